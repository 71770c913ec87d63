import EInvoice

/// Any document the reader accepts renders to a PDF, whatever its values.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let invoice = try? UBLReader().read(bytes) else { return 0 }
    let pdf = InvoicePDF.render(invoice, footer: "Delivery ID fuzz")
    if !pdf.starts(with: Array("%PDF-1.4\n".utf8)) { fatalError("not a PDF") }
    return 0
}
