import FuzzSupport

// cvconform-fuzz-trace: trace files through the reader and the model
// (`Validator`), and written back (`TraceWriter`). See TraceTarget.swift.

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    TraceTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

FuzzDriver.main(testOneInput)
