import EInvoice

/// Any bytes: the UBL reader gives an invoice or an error, and what it reads writes and reads
/// back to the same model.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let invoice = try? UBLReader().read(bytes) else { return 0 }
    let written = UBLWriter().write(invoice)
    guard let again = try? UBLReader().read(written) else { fatalError("what the writer wrote does not read back") }
    if UBLWriter().write(again) != written { fatalError("writing is not stable after one round trip") }
    _ = InvoiceSummary(invoice)
    return 0
}
