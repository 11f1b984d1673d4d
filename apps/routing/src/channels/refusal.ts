/** Status codes after which sending again cannot help: the receiver refused the message. */
export function isPermanentRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429;
}

/**
 * Refusals of the message itself, not of routing's credentials or address (401, 403, 404: an operator fixes
 * the destination and redelivers). Like a reject from the mailbox, they fail the submission back to the
 * citizen; the dead letter stays for the operator.
 */
export function refusesTheMessage(status: number): boolean {
  return status === 400 || status === 413 || status === 415 || status === 422;
}
