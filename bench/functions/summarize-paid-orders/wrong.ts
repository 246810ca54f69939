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

// One pass, but starts the running total at the first paid amount to "save an addition".
// Differs on -0: with one paid order of amount -0 the original's total is 0 + -0 = 0, this one -0
// (and average -0 instead of 0).
export function summarizePaidOrders(orders: Order[]): Summary {
  let count = 0;
  let total = 0;
  let max = -Infinity;
  for (const o of orders) {
    if (o.status !== 'paid') continue;
    total = count === 0 ? o.amount : total + o.amount;
    count++;
    if (!(o.amount <= max)) max = o.amount;
  }
  return { count, total, max, average: count === 0 ? 0 : total / count };
}
