import NIOCore

/// Runs tasks on one NIO event loop: the loop that reads and writes an
/// implementation's lines. A replay that prefers it runs on the same thread
/// as the I/O, so an answer reaches the waiting replay without waking
/// another thread, and a stimulus is written without handing it over.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}
