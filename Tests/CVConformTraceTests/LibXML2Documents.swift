import CLibXML2
import Synchronization

/// Counts the documents libxml2 makes and frees on the calling thread while
/// `body` runs, through libxml2's node callbacks. The callbacks are set in
/// this thread's libxml2 state (`__xmlRegisterNodeDefaultValue()`), so
/// libxml2 on other threads is neither counted nor disturbed. (Its
/// `xmlRegisterNodeDefault` sets the main thread's only.) `body` must not
/// leave the thread (no `await`).
enum LibXML2Documents {
    private static let made = Atomic<Int>(0)
    private static let freed = Atomic<Int>(0)
    /// One count at a time: the counters are shared by all threads.
    private static let counting = Mutex(())

    static func count(_ body: () throws -> Void) rethrows -> (made: Int, freed: Int) {
        try counting.withLock { _ in
            made.store(0, ordering: .relaxed)
            freed.store(0, ordering: .relaxed)
            // libxml2 calls the callbacks only once some thread has set
            // one: set the main thread's to what it was, to raise that flag.
            xmlRegisterNodeDefault(xmlRegisterNodeDefault(nil))
            xmlDeregisterNodeDefault(xmlDeregisterNodeDefault(nil))
            let register = __xmlRegisterNodeDefaultValue()
            let deregister = __xmlDeregisterNodeDefaultValue()
            let previous = (register?.pointee, deregister?.pointee)
            register?.pointee = { node in
                if node?.pointee.type == XML_DOCUMENT_NODE { LibXML2Documents.made.add(1, ordering: .relaxed) }
            }
            deregister?.pointee = { node in
                if node?.pointee.type == XML_DOCUMENT_NODE { LibXML2Documents.freed.add(1, ordering: .relaxed) }
            }
            defer {
                register?.pointee = previous.0
                deregister?.pointee = previous.1
            }
            try body()
            return (made.load(ordering: .relaxed), freed.load(ordering: .relaxed))
        }
    }
}
