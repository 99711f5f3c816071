/** Whether a process id is running on this host; used to break locks left by killed processes. */

/** True unless the kernel says definitely "no such process" (EPERM: it exists, as another user). */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}
