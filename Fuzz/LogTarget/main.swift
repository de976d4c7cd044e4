import CVConformModel
import FuzzSupport

// cvconform-fuzz-log: a whole JSON-Lines log through `check-log`'s checker
// (lines, wire decoding, resets and cells, judging). See LogTarget.swift.

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    LogTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

// The model's emission table is derived on first use (a walk of the
// machines: seconds in a sanitized debug build); derived here, before
// libFuzzer's per-input timeout starts counting.
_ = EmissionTable.reference

FuzzDriver.main(testOneInput)
