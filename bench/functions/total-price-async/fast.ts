export interface LineItem {
  sku: string;
  qty: number;
}

// The lookup is pure and synchronous underneath, so the loop needs no await at all: one promise
// for the call instead of two plus a suspension per item. Same additions in the same order.
export async function totalPrice(items: LineItem[], prices: Map<string, number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const price = prices.get(item.sku) ?? 0;
    total += price * item.qty;
  }
  return total;
}
