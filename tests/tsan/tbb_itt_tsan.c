// An ITT collector that turns oneTBB's synchronisation notifications into ThreadSanitizer
// happens-before edges (docs/hardening.md "Sanitizers").
//
// Debian's libtbb is not built with TSan, so TSan cannot see how TBB hands a task to a worker
// or how a parallel_for's end is signalled: every parallel loop reading data written before it
// (or the caller reading what it wrote) was reported as a data race in our own code (~2,000
// reports over the C++ suite). oneTBB reports exactly these points to threading tools through
// the ITT API: the headers call it around spawn, task-tree joins and waits when compiled with
// TBB_USE_PROFILING_TOOLS=2 (the tsan preset does), and libtbb loads the collector named by
// INTEL_LIBITTNOTIFY64 (scripts/sanitizers.sh builds this file into one and sets it, with
// INTEL_ITTNOTIFY_GROUPS=sync). "Releasing" becomes __tsan_release and "acquired"
// __tsan_acquire on the same address, which is what the notifications mean.
void __tsan_acquire(void* addr);
void __tsan_release(void* addr);

// Version 1 of the collector interface: the static part in libtbb looks up each function by name.
int __itt_api_version = 1;

void __itt_sync_releasing(void* addr) { __tsan_release(addr); }
void __itt_sync_acquired(void* addr) { __tsan_acquire(addr); }
