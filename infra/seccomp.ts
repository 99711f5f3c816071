/**
 * The seccomp profile of a container whose sandbox creates user namespaces (the backtest
 * worker's bubblewrap). Docker's default profile refuses `unshare`, namespace flags on `clone`,
 * `mount`, `umount2` and `pivot_root` to a container without CAP_SYS_ADMIN, so bubblewrap fails
 * there ("No permissions to create new namespace") and the Python sandbox refuses every job.
 *
 * This profile lets those five through and refuses the rest of what Docker's documentation lists
 * as blocked by default (kernel modules, kexec, BPF, perf, ptrace and other processes' memory,
 * keyrings, clocks, swap, reboot, io_uring, setns into other namespaces...). The kernel still
 * asks for CAP_SYS_ADMIN in the namespace's owner for mount and pivot_root: the container has no
 * capability, so they work only inside the user namespace the sandbox itself creates, on the
 * sandbox's own mount namespace. Everything else in the hardening stays (non-root, no
 * capabilities, no-new-privileges, read-only root).
 *
 * The difference from Docker's default is the form: Docker's is an allow-list, this a deny-list
 * over the same blocked calls, so a system call newer than this list is allowed. The trade is
 * made for the worker only (descriptor `userNamespaces`), which runs untrusted Python that must
 * not see the container's network, files or processes; and user namespaces widen the kernel
 * surface an exploit can reach. Where no profile can be set (Fargate), see docs/services/backtest.md.
 */

/** What the kernel returns for a refused call: EPERM. */
const EPERM = 1;

/** Refused: what Docker's default profile blocks, minus what a user-namespace sandbox needs. */
export const REFUSED_SYSCALLS = [
  "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module", "delete_module",
  "fanotify_init", "finit_module", "get_kernel_syms", "get_mempolicy", "init_module", "ioperm",
  "iopl", "io_uring_enter", "io_uring_register", "io_uring_setup", "kcmp", "kexec_file_load",
  "kexec_load", "keyctl", "lookup_dcookie", "mbind", "move_mount", "move_pages", "name_to_handle_at",
  "nfsservctl", "open_by_handle_at", "open_tree", "fsopen", "fsconfig", "fsmount", "fspick",
  "perf_event_open", "process_vm_readv", "process_vm_writev", "ptrace", "query_module", "quotactl",
  "quotactl_fd", "reboot", "request_key", "set_mempolicy", "setns", "settimeofday", "stime",
  "swapoff", "swapon", "sysfs", "_sysctl", "syslog", "umount", "uselib", "userfaultfd", "ustat",
  "vm86", "vm86old", "pidfd_getfd",
] as const;

/** Allowed here although Docker's default refuses them without CAP_SYS_ADMIN: what bubblewrap calls. */
export const USER_NAMESPACE_SYSCALLS = ["unshare", "clone", "clone3", "mount", "umount2", "pivot_root"] as const;

export interface SeccompProfile {
  defaultAction: "SCMP_ACT_ALLOW";
  architectures: string[];
  syscalls: { names: string[]; action: "SCMP_ACT_ERRNO"; errnoRet: number }[];
}

/** The profile as Docker reads it (`--security-opt seccomp=<file>`, or the JSON itself over the API). */
export function userNamespaceSeccompProfile(): SeccompProfile {
  return {
    defaultAction: "SCMP_ACT_ALLOW",
    architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
    syscalls: [{ names: [...REFUSED_SYSCALLS], action: "SCMP_ACT_ERRNO", errnoRet: EPERM }],
  };
}

/** `seccomp=<JSON>`: the security option the Docker API (and the Pulumi provider) takes. */
export function userNamespaceSeccompOption(): string {
  return `seccomp=${JSON.stringify(userNamespaceSeccompProfile())}`;
}

/**
 * The other option such a container needs: Docker mounts /proc/sys read-only, and bubblewrap's
 * `--disable-userns` (no nested user namespaces for the sandboxed code) writes
 * /proc/sys/user/max_user_namespaces inside the user namespace it creates. `unconfined` also
 * unmasks /proc/kcore, /proc/keys, /proc/sysrq-trigger and the like; they stay root-only files,
 * and the container's process is neither root nor holds a capability. The sandboxed code itself
 * never sees /proc (bubblewrap mounts none).
 */
export const USER_NAMESPACE_SYSTEM_PATHS_OPTION = "systempaths=unconfined";
