/** Fills, shares and refunds of `deposits` (in order) by the interface's formulas, independently of the contract. */
export function fillsOf(deposits: bigint[], hardCap: bigint, sale: bigint) {
  const total = deposits.reduce((a, b) => a + b, 0n);
  const raised = total < hardCap ? total : hardCap;
  const sold = (raised * sale) / hardCap;
  let start = 0n;
  return deposits.map((amount) => {
    const end = start + amount;
    const fill = (end * raised) / total - (start * raised) / total;
    const shares = (end * sold) / total - (start * sold) / total;
    start = end;
    return { fill, shares, refund: amount - fill };
  });
}
