import ArgumentParser
import EInvoice
import Foundation

extension Efactuur {
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk through what efactuur does: build an SI-UBL 2.0 invoice, write it, read it back.",
            discussion: "Writes the invoice to a temporary folder and prints where; leaves nothing running."
        )

        @Option(help: "Where to write the demo invoice (a temporary folder by default).")
        var output: String?

        func run() throws {
            let invoice = ExampleInvoices.siUBL(number: "F2026-0001", lineCount: 3)
            print("1. Built invoice \(invoice.id) with \(invoice.lines.count) lines; the builder computed the totals and VAT breakdown.")
            let bytes = UBLWriter().write(invoice)
            let folder = output ?? FileManager.default.temporaryDirectory
                .appendingPathComponent("efactuur-demo-\(ProcessInfo.processInfo.processIdentifier)").path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = folder + "/\(invoice.id).xml"
            guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
                throw ValidationError("cannot write \(path)")
            }
            print("2. Wrote SI-UBL 2.0 (UBL 2.1) to \(path) (\(bytes.count) bytes).")
            let reread = try UBLReader().read(bytes)
            print("3. Read it back through the hardened reader; the model is \(reread == invoice ? "identical" : "DIFFERENT").")
            print("")
            print(InvoiceSummary(reread).text)
            print("")
            print("Next: swift run efactuur inspect \(path) --json")
        }
    }
}
