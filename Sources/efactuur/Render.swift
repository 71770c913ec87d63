import ArgumentParser
import EInvoice
import Foundation

extension Efactuur {
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "render",
            abstract: "Render an invoice or credit note as a PDF for people to read.",
            discussion: """
                A4 pages with the parties, references, lines, VAT breakdown, totals and payment \
                instructions. Writes to --output, or to standard output. Exit code 0 on success, 2 when \
                the input could not be read or the output not written.
                """
        )

        @OptionGroup var input: DocumentInput

        @Option(name: [.short, .long], help: "Where to write the PDF (standard output when left out).")
        var output: String?

        func run() throws {
            try exitingOnFailure {
                let pdf = Data(InvoicePDF.render(try input.readInvoice()))
                if let output {
                    do {
                        try pdf.write(to: URL(fileURLWithPath: output), options: .atomic)
                    } catch {
                        throw CommandFailure("cannot write '\(output)': \(error.localizedDescription)")
                    }
                } else {
                    FileHandle.standardOutput.write(pdf)
                }
            }
        }
    }
}
