import ArgumentParser
import EInvoice
import Foundation

extension Efactuur {
    struct Reformat: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reformat",
            abstract: "Read a document and write it back through the model to standard output.",
            discussion: """
                The output is UBL 2.1 in schema order with cbc:/cac: prefixes and no empty elements; \
                elements outside EN 16931 are dropped. Exit code 0 on success, 2 when the input could not be read.
                """
        )

        @OptionGroup var input: DocumentInput

        func run() throws {
            try exitingOnFailure {
                let invoice = try input.readInvoice()
                FileHandle.standardOutput.write(Data(UBLWriter().write(invoice)))
            }
        }
    }
}
