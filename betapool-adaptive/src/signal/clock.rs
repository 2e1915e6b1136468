//! CPU-time clocks read with `clock_gettime`: the whole process's, and any one of its
//! threads' read from another thread by kernel thread id.
//!
//! This is the only file of the crate with `unsafe`: three small blocks around the C
//! interface, each saying why it is sound. Everything else keeps `unsafe_code` denied.
#![allow(unsafe_code)]

use std::time::Duration;

/// The kernel's flag, in the low bits of a CPU clock id, that says the clock belongs to
/// one thread rather than to a whole process (`CPUCLOCK_PERTHREAD_MASK` in
/// `linux/include/linux/posix-timers.h`).
const CPUCLOCK_PERTHREAD_MASK: i32 = 4;

/// The kernel's code for the scheduler's CPU clock, the one that counts nanoseconds of
/// run time (`CPUCLOCK_SCHED`); the other two (`PROF`, `VIRT`) are tick-granular.
const CPUCLOCK_SCHED: i32 = 2;

/// How far the inverted thread id is shifted left to make room for the three flag bits
/// (`CPUCLOCK_SHIFT` in glibc, the literal `3` in the kernel's macro).
const CPUCLOCK_SHIFT: u32 = 3;

/// The largest thread id the kernel ever hands out (`PID_MAX_LIMIT`, 4 Mi on 64-bit
/// kernels, in `linux/include/linux/threads.h`; 32-bit kernels stop far lower).
///
/// Ids above it cannot be real, and they are also where the encoding stops being exact:
/// `!tid << 3` must fit in an `i32`, and once bits fall off the top the result can turn
/// into a small positive number, which the kernel reads as an ordinary clock such as
/// `CLOCK_MONOTONIC` and would happily answer with the wrong time.
const PID_MAX_LIMIT: u64 = 4 * 1024 * 1024;

/// CPU time consumed so far by all threads of this process, living and exited
/// (`CLOCK_PROCESS_CPUTIME_ID`).
///
/// One call costs about 400 ns, so the controller can afford it every tick; but the clock
/// advances in scheduler-tick steps, so differences over windows shorter than a few
/// milliseconds are noise (see ARCHITECTURE.md, "The signal").
///
/// Returns `None` where the clock does not exist (platforms other than Linux, Android,
/// Apple's and FreeBSD) or the call fails.
///
/// ```
/// let before = betapool_adaptive::process_cpu_time();
/// let mut x = 0u64;
/// for i in 0..1_000_000u64 {
///     x = x.wrapping_add(std::hint::black_box(i));
/// }
/// let after = betapool_adaptive::process_cpu_time();
/// if let (Some(a), Some(b)) = (before, after) {
///     assert!(b >= a, "the process clock never goes back");
/// }
/// # std::hint::black_box(x);
/// ```
pub fn process_cpu_time() -> Option<Duration> {
    #[cfg(any(
        target_os = "linux",
        target_os = "android",
        target_vendor = "apple",
        target_os = "freebsd"
    ))]
    {
        read_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
    }
    #[cfg(not(any(
        target_os = "linux",
        target_os = "android",
        target_vendor = "apple",
        target_os = "freebsd"
    )))]
    {
        None
    }
}

/// CPU time consumed so far by the thread of this process whose kernel thread id is
/// `tid`, read from any thread of the process.
///
/// This is what `pthread_getcpuclockid` + `clock_gettime` do, without needing the
/// thread's `pthread_t`: the clock id is computed from the kernel tid exactly as glibc
/// does it (see [`thread_clock_id`]). The kernel only honours thread clocks of the
/// caller's own process, so a tid of another process is refused too.
///
/// Returns `None` when the call fails (most often because the thread has exited, which
/// the kernel reports as `EINVAL`), when `tid` is 0 or above the kernel's `PID_MAX_LIMIT`
/// (it cannot be a thread, and 0 would silently mean "the calling thread"), and on
/// platforms other than Linux and Android.
pub(crate) fn thread_cpu_time(tid: u64) -> Option<Duration> {
    let id = thread_clock_id(tid)?;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        read_clock(id)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        // The encoding is Linux's own; elsewhere the id would name some other clock.
        let _ = id;
        None
    }
}

/// The kernel thread id of the calling thread (`gettid`), the key under which
/// [`thread_cpu_time`] and `/proc/self/task/<tid>/schedstat` find it.
///
/// Only the tests need it: the engine records each worker's tid itself, as the worker
/// starts. Returns `None` on platforms other than Linux and Android, where no other
/// reading here would accept a tid anyway.
#[cfg(test)]
pub(crate) fn current_thread_tid() -> Option<u64> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        // SAFETY: `gettid` takes no arguments, touches no memory of ours and cannot fail.
        let tid = unsafe { libc::gettid() };
        u64::try_from(tid).ok()
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        None
    }
}

/// The Linux clock id of thread `tid`'s scheduler CPU clock, or `None` when `tid` cannot
/// be a thread id (see [`PID_MAX_LIMIT`]; 0 is refused because the kernel reads an encoded
/// 0 as "the calling thread", which would return the wrong thread's time).
///
/// The arithmetic is the kernel's `MAKE_THREAD_CPUCLOCK(tid, CPUCLOCK_SCHED)` from
/// `linux/include/linux/posix-timers.h`, which glibc copies as `make_thread_cpuclock` in
/// `sysdeps/unix/sysv/linux/kernel-posix-cpu-timers.h` and uses in
/// `pthread_getcpuclockid`: `((~(clockid_t) tid) << 3) | CPUCLOCK_PERTHREAD_MASK |
/// CPUCLOCK_SCHED`, in the 32-bit signed `clockid_t`. The result is always negative,
/// which is how the kernel tells CPU clocks from the fixed ones such as
/// `CLOCK_MONOTONIC`.
///
/// It is pure and defined on every platform so that its tests run everywhere.
fn thread_clock_id(tid: u64) -> Option<i32> {
    if tid == 0 || tid > PID_MAX_LIMIT {
        return None;
    }
    // The range check above makes both conversions and the shift exact: a tid of at most
    // 2^22 fits in an i32, and its complement times 8 stays above i32::MIN.
    let tid = i32::try_from(tid).ok()?;
    Some(((!tid) << CPUCLOCK_SHIFT) | CPUCLOCK_PERTHREAD_MASK | CPUCLOCK_SCHED)
}

/// Reads one clock, or `None` if the kernel refuses the id or answers with a time that
/// is not a valid `Duration` (negative or with out-of-range nanoseconds).
#[cfg(any(
    target_os = "linux",
    target_os = "android",
    target_vendor = "apple",
    target_os = "freebsd"
))]
fn read_clock(id: libc::clockid_t) -> Option<Duration> {
    // SAFETY: `timespec` is a plain C struct of integers, for which all-zero bytes are a
    // valid value; zeroing (rather than `MaybeUninit`) also covers targets whose
    // `timespec` has explicit padding fields the kernel never writes.
    let mut ts: libc::timespec = unsafe { std::mem::zeroed() };
    // SAFETY: `ts` is a valid, exclusively borrowed `timespec` that outlives the call, and
    // `clock_gettime` writes only into it. An id the kernel does not know is reported as
    // -1 with `EINVAL`, never as undefined behaviour.
    let rc = unsafe { libc::clock_gettime(id, &mut ts) };
    if rc != 0 {
        return None;
    }
    let secs = u64::try_from(ts.tv_sec).ok()?;
    let nanos = u32::try_from(ts.tv_nsec)
        .ok()
        .filter(|&n| n < 1_000_000_000)?;
    Some(Duration::new(secs, nanos))
}

#[cfg(test)]
mod tests;
