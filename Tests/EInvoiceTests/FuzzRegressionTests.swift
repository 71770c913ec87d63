import EInvoice
import EInvoiceTestSupport
import Testing

/// What the UBL reader and PDF fuzz targets found, replayed: the same properties they check.
struct FuzzRegressionTests {
    @Test func ublReaderInputs() throws {
        let inputs = FuzzRegressions.inputs("ubl-reader")
        #expect(!inputs.isEmpty)
        for (name, bytes) in inputs {
            guard let invoice = try? UBLReader().read(bytes) else { continue }
            let written = UBLWriter().write(invoice)
            let again = try UBLReader().read(written)
            #expect(UBLWriter().write(again) == written, "\(name)")
        }
    }

    @Test func pdfInputs() {
        for (name, bytes) in FuzzRegressions.inputs("pdf") + FuzzRegressions.inputs("ubl-reader") {
            guard let invoice = try? UBLReader().read(bytes) else { continue }
            #expect(InvoicePDF.render(invoice).starts(with: Array("%PDF-1.4\n".utf8)), "\(name)")
        }
    }
}
