/*
 * clone3.c: the job's command starts inside its cgroup.
 *
 * Moving a process into a cgroup (writing cgroup.procs) takes the cgroup
 * core's threadgroup lock for writing, which waits for an RCU grace period
 * and holds up every fork on the machine meanwhile: a millisecond or more
 * per job on a quiet machine, much more when a thousand start at once.
 * clone3(2) with CLONE_INTO_CGROUP (Linux 5.7) makes the child a member
 * from birth, under that lock's read side.
 *
 * As with clone(2) and CLONE_VM | CLONE_VFORK, the child runs fn(arg) in
 * our memory, on a stack of its own, while we wait for its exec. The C
 * library has no clone3() that does this: the few instructions that put
 * the child on its stack and into fn are here, for x86-64. Elsewhere
 * clone_into() fails with ENOSYS, and the caller moves the child itself.
 */
#include <linux/sched.h>
#include <sys/syscall.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "ctxrun.h"

/*
 * Starts fn(arg) in a child of ours, in the cgroup whose directory is open
 * as cgfd, on the stack of size bytes at stack (16-byte aligned at its
 * top), and returns once it has exec'd or exited: its pid, or -1 (errno).
 * fn must not return: it execs or _exits.
 */
pid_t
clone_into(int (*fn)(void *), void *arg, void *stack, size_t size, int cgfd)
{
#if defined(__x86_64__) && defined(SYS_clone3) && defined(CLONE_INTO_CGROUP)
	struct clone_args	 ca;
	register long		 ret __asm__("rax") = SYS_clone3;
	register void		*child_fn __asm__("r12") = (void *)fn;
	register void		*child_arg __asm__("r13") = arg;

	memset(&ca, 0, sizeof ca);
	ca.flags = CLONE_VM | CLONE_VFORK | CLONE_INTO_CGROUP;
	ca.exit_signal = SIGCHLD;
	ca.stack = (uintptr_t)stack;
	ca.stack_size = size;
	ca.cgroup = (uint64_t)cgfd;
	/*
	 * The child comes back from the system call with the registers we
	 * had but rax (0) and on its own stack: it calls fn(arg) from r12
	 * and r13 there, and exits should fn return. We go on at 1.
	 */
	__asm__ volatile (
	    "syscall\n\t"
	    "testq %%rax, %%rax\n\t"
	    "jnz 1f\n\t"
	    "xorl %%ebp, %%ebp\n\t"
	    "movq %%r13, %%rdi\n\t"
	    "callq *%%r12\n\t"
	    "movl %%eax, %%edi\n\t"
	    "movl %[sys_exit], %%eax\n\t"
	    "syscall\n\t"
	    "hlt\n"
	    "1:"
	    : "+r" (ret)
	    : "D" (&ca), "S" (sizeof ca), "r" (child_fn), "r" (child_arg),
	      [sys_exit] "i" (SYS_exit)
	    : "rcx", "r11", "memory", "cc");
	if (ret < 0) {
		errno = (int)-ret;
		return -1;
	}
	return (pid_t)ret;
#else
	(void)fn;
	(void)arg;
	(void)stack;
	(void)size;
	(void)cgfd;
	errno = ENOSYS;
	return -1;
#endif
}
