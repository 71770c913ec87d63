import ArgumentParser
import EInvoice
import Foundation

extension InvoiceWords.Language: ExpressibleByArgument {}

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

        @Option(help: "The language of the labels, amounts and dates: nl (€ 1.210,00, 3 december 2026) or en.")
        var language: InvoiceWords.Language = .dutch

        func run() throws {
            try exitingOnFailure {
                guard output != nil || isatty(STDOUT_FILENO) == 0 else {
                    throw CommandFailure(
                        "a PDF is not for the terminal: give -o FILE.pdf, or send standard output to a file", code: "cli.pdf-to-terminal")
                }
                let pdf = Data(InvoicePDF.render(try input.readInvoice(), words: InvoiceWords(language: language)))
                guard let output else {
                    FileHandle.standardOutput.write(pdf)
                    return
                }
                var target = output
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder), isFolder.boolValue {
                    // Into a folder: the document's own name with .pdf.
                    let name = input.file == "-" ? "invoice" : ((input.file as NSString).lastPathComponent as NSString).deletingPathExtension
                    target = (output as NSString).appendingPathComponent(name + ".pdf")
                } else if output.hasSuffix("/") {
                    throw CommandFailure("cannot write into '\(output)': no such folder", code: "cli.output-unwritable")
                }
                guard FileManager.default.createFile(atPath: target, contents: pdf) else {
                    let folder = (target as NSString).deletingLastPathComponent
                    let why =
                        FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder)
                        ? "not allowed to write there" : "the folder '\(folder)' does not exist"
                    throw CommandFailure("cannot write '\(target)': \(why)", code: "cli.output-unwritable")
                }
                FileHandle.standardError.write(Data("wrote \(target)\n".utf8))
            }
        }
    }
}
