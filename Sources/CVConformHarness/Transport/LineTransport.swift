/// Where an implementation's lines come from and go to: a child process's
/// pipes, or a TCP connection. Nothing here blocks a thread: reading,
/// writing and waiting for a process run as tasks on non-blocking I/O.
protocol LineTransport: Sendable {
    /// The lines the implementation writes, as they come.
    var inbox: Inbox { get }
    /// Its log (stderr), if it has one.
    var log: LogTail { get }
    /// Writes text (whole lines); waits only when a great deal is still
    /// unwritten, and then at most `timeout`.
    func write(_ text: String, timeout: Duration) async throws(HarnessFailure)
    /// Says goodbye: closes the implementation's input and gives it `grace`
    /// to end before it is stopped.
    func close(grace: Duration) async
    /// Stops it at once.
    func kill() async
    /// Whether it has ended (the process exited, the connection closed).
    var hasEnded: Bool { get }
    /// How it ended, once it has ("exited with status 3"), waiting at most
    /// `grace` for it to end.
    func ending(grace: Duration) async -> String?
}
