import FuzzSupport

// cvconform-fuzz-log: a whole JSON-Lines log through `check-log`'s checker
// (lines, wire decoding, resets and cells, judging). See LogTarget.swift.

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    LogTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

FuzzDriver.main(testOneInput)
