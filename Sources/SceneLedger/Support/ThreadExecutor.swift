#if canImport(Glibc)
import Glibc
#endif

/// A serial executor that owns one dedicated OS thread.
///
/// Blocking C libraries (libpq, and later EGL/GL) must never run on Swift's cooperative
/// pool. An actor whose `unownedExecutor` is a `ThreadExecutor` runs every one of its
/// methods on that thread, so its blocking calls block only that thread.
///
/// `@unchecked Sendable`: the job queue is guarded by `mutex` (with `condition`), and the
/// thread handle is written once in `init` before any job can be enqueued.
package final class ThreadExecutor: SerialExecutor, @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var jobs: [UnownedJob] = []
    private var stopping = false
    private var thread = pthread_t()
    package let name: String

    package init(name: String) {
        self.name = name
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
        let box = Unmanaged.passRetained(self)
        let rc = pthread_create(&thread, nil, { raw in
            let executor = Unmanaged<ThreadExecutor>.fromOpaque(raw!).takeRetainedValue()
            executor.loop()
            return nil
        }, box.toOpaque())
        precondition(rc == 0, "pthread_create failed for \(name): \(rc)")
    }

    deinit {
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    /// Lets the thread finish the jobs already queued and exit.
    /// The executor must not receive jobs afterwards.
    package func shutdown() {
        pthread_mutex_lock(&mutex)
        stopping = true
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        pthread_mutex_lock(&mutex)
        jobs.append(unowned)
        pthread_cond_signal(&condition)
        pthread_mutex_unlock(&mutex)
    }

    package func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    private func loop() {
        while true {
            pthread_mutex_lock(&mutex)
            while jobs.isEmpty && !stopping {
                pthread_cond_wait(&condition, &mutex)
            }
            if jobs.isEmpty && stopping {
                pthread_mutex_unlock(&mutex)
                return
            }
            let taken = jobs
            jobs = []
            pthread_mutex_unlock(&mutex)
            for job in taken {
                job.runSynchronously(on: asUnownedSerialExecutor())
            }
        }
    }
}
