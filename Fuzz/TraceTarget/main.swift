import CVConformModel
import FuzzSupport

// cvconform-fuzz-trace: trace files through the reader and the model
// (`Validator`), and written back (`TraceWriter`). See TraceTarget.swift.

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    TraceTarget.run(UnsafeBufferPointer(start: data, count: size))
    return 0
}

// The model's emission table is derived on first use (a walk of the
// machines: seconds in a sanitized debug build); derived here, before
// libFuzzer's per-input timeout starts counting.
_ = EmissionTable.reference

FuzzDriver.main(testOneInput)
