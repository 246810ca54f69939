export interface Order {
  id: number;
  status: 'paid' | 'pending' | 'refunded';
  amount: number;
}

export interface Summary {
  count: number;
  total: number;
  max: number;
  average: number;
}

/** Count, total, largest and mean amount of the paid orders. Filters the list three times. */
export function summarizePaidOrders(orders: Order[]): Summary {
  const count = orders.filter((o) => o.status === 'paid').length;
  const total = orders
    .filter((o) => o.status === 'paid')
    .map((o) => o.amount)
    .reduce((sum, a) => sum + a, 0);
  const max = orders
    .filter((o) => o.status === 'paid')
    .map((o) => o.amount)
    .reduce((m, a) => Math.max(m, a), -Infinity);
  const average = count === 0 ? 0 : total / count;
  return { count, total, max, average };
}
