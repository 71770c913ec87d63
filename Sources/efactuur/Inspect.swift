import ArgumentParser
import EInvoice
import Foundation

extension Efactuur {
    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspect",
            abstract: "Show a document's summary: type, number, dates, parties, lines, totals, VAT breakdown.",
            discussion: "Exit code 0 when the document was read, 2 when it could not be (the reason is on stderr)."
        )

        @OptionGroup var input: DocumentInput

        @Flag(help: "Print the summary as one JSON object.")
        var json = false

        func run() throws {
            try exitingOnFailure {
                let summary = InvoiceSummary(try input.readInvoice())
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                    print(String(decoding: try encoder.encode(summary), as: UTF8.self))
                } else {
                    print(summary.text)
                }
            }
        }
    }
}
