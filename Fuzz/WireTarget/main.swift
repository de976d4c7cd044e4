import FuzzSupport

// cvconform-fuzz-wire: one line of the wire protocol, as the harness reads
// what an implementation writes (`WireProtocol.parse`), beside the JSON
// reader's tree of the same bytes. See WireTarget.swift.

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    WireTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

FuzzDriver.main(testOneInput)
