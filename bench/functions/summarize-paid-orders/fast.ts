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

// One pass, no intermediate arrays. The additions and Math.max calls happen on the same values in
// the same order (starting from 0 and -Infinity), so total and max are bit-identical (NaN, -0 ...).
export function summarizePaidOrders(orders: Order[]): Summary {
  let count = 0;
  let total = 0;
  let max = -Infinity;
  for (let i = 0; i < orders.length; i++) {
    const o = orders[i]!;
    if (o.status === 'paid') {
      count++;
      total = total + o.amount;
      max = Math.max(max, o.amount);
    }
  }
  const average = count === 0 ? 0 : total / count;
  return { count, total, max, average };
}
