import ArgumentParser
import EInvoiceRules
import Foundation
import HardenedXML

extension Validator.RuleSet: ExpressibleByArgument {}

extension Efactuur {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Validate invoices and credit notes against SI-UBL 2.0, EN 16931 or Peppol BIS 3.",
            discussion: """
                Gives the verdicts of the official validation artifacts. FILE may be a document, a folder \
                (every .xml file below it) or '-' for standard input. Exit code 0 when every document is valid \
                (warnings allowed), 1 when any has a fatal finding, 2 on a usage error or unreadable input.
                """
        )

        @Argument(help: "Documents, folders, or '-' for standard input.")
        var inputs: [String]

        @Option(help: "The rule set: auto (from cbc:CustomizationID), si-ubl, si-ubl-gaccount, peppol or en16931.")
        var ruleset: Validator.RuleSet = .auto

        @Flag(help: "Print one JSON object per document (JSON Lines).")
        var json = false

        struct Outcome: Encodable {
            var file: String
            var ruleSet: String?
            var valid: Bool
            var error: String?
            var findings: [Finding]
        }

        func run() async throws {
            let files = try expand(inputs)
            let validator = Validator(ruleSet: ruleset)
            let showProgress = !json && files.count > 20 && isatty(STDERR_FILENO) == 1
            var anyInvalid = false
            var anyUnreadable = false
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            // Validate in parallel, print in the order given.
            let batch = max(ProcessInfo.processInfo.activeProcessorCount * 4, 8)
            var done = 0
            for start in stride(from: 0, to: files.count, by: batch) {
                let slice = Array(files[start..<min(start + batch, files.count)])
                let outcomes = await withTaskGroup(of: (Int, Outcome).self) { group in
                    for (offset, file) in slice.enumerated() {
                        group.addTask { (offset, Self.validate(file, with: validator)) }
                    }
                    var results = [Outcome?](repeating: nil, count: slice.count)
                    for await (offset, outcome) in group { results[offset] = outcome }
                    return results.compactMap { $0 }
                }
                for outcome in outcomes {
                    if outcome.error != nil { anyUnreadable = true } else if !outcome.valid { anyInvalid = true }
                    if json {
                        print(String(decoding: try encoder.encode(outcome), as: UTF8.self))
                    } else {
                        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                        print(Self.text(outcome))
                    }
                }
                done += slice.count
                if showProgress { FileHandle.standardError.write(Data("\rvalidated \(done)/\(files.count)".utf8)) }
            }
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            if anyUnreadable { throw ExitCode(2) }
            if anyInvalid { throw ExitCode(1) }
        }

        /// Files named, folders expanded to their .xml files (sorted), `-` kept as is.
        func expand(_ inputs: [String]) throws -> [String] {
            var files: [String] = []
            for input in inputs {
                var isDirectory: ObjCBool = false
                if input != "-", FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), isDirectory.boolValue {
                    let found = (FileManager.default.enumerator(atPath: input)?.compactMap { $0 as? String } ?? [])
                        .filter { $0.lowercased().hasSuffix(".xml") }.sorted()
                    files += found.map { (input as NSString).appendingPathComponent($0) }
                } else {
                    files.append(input)
                }
            }
            guard !files.isEmpty else { throw ValidationError("no documents to validate") }
            return files
        }

        static func validate(_ file: String, with validator: Validator) -> Outcome {
            let data: Data?
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                data = FileManager.default.contents(atPath: file)
            }
            guard let data else {
                return Outcome(file: file, valid: false, error: "cannot read '\(file)': no such file, or not readable", findings: [])
            }
            do {
                let report = try validator.validate([UInt8](data))
                return Outcome(file: file, ruleSet: report.ruleSet, valid: report.isValid, findings: report.findings)
            } catch {
                return Outcome(file: file, valid: false, error: "\(error)", findings: [])
            }
        }

        static func text(_ outcome: Outcome) -> String {
            if let error = outcome.error { return "\(outcome.file): unreadable: \(error)" }
            let fatal = outcome.findings.filter { $0.flag == .fatal }.count
            let warnings = outcome.findings.count - fatal
            var lines = [
                "\(outcome.file): \(outcome.valid ? "valid" : "INVALID") (\(outcome.ruleSet ?? "-"); \(fatal) errors, \(warnings) warnings)"
            ]
            for finding in outcome.findings {
                let term = finding.businessTerm.map { " (\($0))" } ?? ""
                let line = finding.line.map { ", line \($0)" } ?? ""
                lines.append("  \(finding.flag == .fatal ? "error  " : "warning") [\(finding.ruleID)]\(term) \(finding.message) — \(finding.location)\(line)")
            }
            return lines.joined(separator: "\n")
        }
    }
}
