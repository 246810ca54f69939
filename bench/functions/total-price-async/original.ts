export interface LineItem {
  sku: string;
  qty: number;
}

/** Looks a price up (written as async so it could later hit a service). Unknown SKUs cost 0. */
async function priceOf(prices: Map<string, number>, sku: string): Promise<number> {
  return prices.get(sku) ?? 0;
}

/** Total of a cart: awaits every price lookup one after another. */
export async function totalPrice(items: LineItem[], prices: Map<string, number>): Promise<number> {
  let total = 0;
  for (const item of items) {
    const price = await priceOf(prices, item.sku);
    total += price * item.qty;
  }
  return total;
}
