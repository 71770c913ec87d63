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

        /// At parse time, so that nothing to validate is answered with this command's usage.
        func validate() throws {
            guard inputs.contains(where: { $0 == "-" || !isFolder($0) || XMLFiles(below: $0).containsAny }) else {
                throw ValidationError("no documents to validate: \(inputs.joined(separator: ", ")) holds no .xml file")
            }
        }

        func run() async throws {
            let files = try expand(inputs)
            let validator = Validator(ruleSet: ruleset)
            let showProgress = !json && files.count > 20 && isatty(STDERR_FILENO) == 1
            let json = json
            var counts = (valid: 0, invalid: 0, unreadable: 0)
            // Documents are validated in parallel, a window of them in flight; each worker also
            // writes its document's output, and the lines are printed in the order given.
            let window = max(ProcessInfo.processInfo.activeProcessorCount * 4, 8)
            var done = 0
            var pending: [Int: (outcome: Outcome, output: String)] = [:]
            var nextToPrint = 0
            try await withThrowingTaskGroup(of: (Int, Outcome, String).self) { group in
                var nextToStart = 0
                func startNext() {
                    guard nextToStart < files.count else { return }
                    let index = nextToStart
                    nextToStart += 1
                    group.addTask {
                        let outcome = Self.validate(files[index], with: validator)
                        return (index, outcome, json ? Self.jsonLine(outcome) : Self.text(outcome))
                    }
                }
                for _ in 0..<window { startNext() }
                while let (index, outcome, output) = try await group.next() {
                    pending[index] = (outcome, output)
                    startNext()
                    while let ready = pending.removeValue(forKey: nextToPrint) {
                        nextToPrint += 1
                        if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                        if ready.outcome.error != nil {
                            counts.unreadable += 1
                            // As `inspect` does: what could not be read goes to standard error
                            // (in JSON Lines it stays in its document's line).
                            if json { print(ready.output) } else { FileHandle.standardError.write(Data("efactuur: \(ready.output)\n".utf8)) }
                        } else {
                            if ready.outcome.valid { counts.valid += 1 } else { counts.invalid += 1 }
                            print(ready.output)
                        }
                        done += 1
                        if showProgress && (done % 50 == 0 || done == files.count) {
                            FileHandle.standardError.write(Data("\rvalidated \(done)/\(files.count)".utf8))
                        }
                    }
                }
            }
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            if !json && files.count > 1 {
                print("\(counts.valid) valid, \(counts.invalid) invalid, \(counts.unreadable) unreadable")
            }
            if counts.unreadable > 0 { throw ExitCode(2) }
            if counts.invalid > 0 { throw ExitCode(1) }
        }

        /// The outcome as one JSON object, keys sorted (as `JSONEncoder` with `.sortedKeys` would).
        static func jsonLine(_ outcome: Outcome) -> String {
            var line = JSONLine()
            line.openObject()
            line.field("error", outcome.error)
            line.field("file", outcome.file)
            line.openArray("findings")
            for finding in outcome.findings {
                line.openObject()
                line.field("businessTerm", finding.businessTerm)
                line.field("flag", finding.flag.rawValue)
                line.field("line", finding.line)
                line.field("location", finding.location)
                line.field("message", finding.message)
                line.field("ruleID", finding.ruleID)
                line.closeObject()
            }
            line.closeArray()
            line.field("ruleSet", outcome.ruleSet)
            line.field("valid", outcome.valid)
            line.closeObject()
            return line.text
        }

        /// Files named, folders expanded to their .xml files (sorted), `-` kept as is.
        func expand(_ inputs: [String]) throws -> [String] {
            var files: [String] = []
            for input in inputs {
                if input != "-" && isFolder(input) {
                    files += XMLFiles(below: input).relativePaths.sorted().map { (input as NSString).appendingPathComponent($0) }
                } else {
                    files.append(input)
                }
            }
            guard !files.isEmpty else {
                throw ValidationError("no documents to validate: \(inputs.joined(separator: ", ")) holds no .xml file")
            }
            return files
        }

        static func validate(_ file: String, with validator: Validator) -> Outcome {
            let document: Validator.ReadDocument
            do {
                if file == "-" {
                    document = try validator.read(FileHandle.standardInput.readDataToEndOfFile())
                } else if let contents = DocumentFile(path: file) {
                    switch contents {
                    case .inMemory(let bytes):
                        document = try validator.read(bytes)
                    case .mapped(let mapped):
                        // Mapped, not copied onto the heap; parsed pages are given back as the
                        // tree grows, and the mapping is gone before the rules run. (The mapping
                        // must outlive the read: ARC may otherwise end it after `bytes` is fetched.)
                        var reader = validator
                        reader.xmlReader.dropsParsedPages = true
                        document = try withExtendedLifetime(mapped) { try reader.read(mapped.bytes) }
                    }
                } else if let data = FileHandle(forReadingAtPath: file)?.readDataToEndOfFile() {
                    // Not a regular file (a pipe, `<(…)`): read as it comes.
                    document = try validator.read(data)
                } else {
                    return Outcome(
                        file: file, valid: false, error: "cannot read '\(file)': no such file or folder, or not readable [cli.unreadable-file]",
                        findings: [])
                }
            } catch {
                return Outcome(file: file, valid: false, error: "\(error)", findings: [])
            }
            let report = validator.validate(document)
            return Outcome(file: file, ruleSet: report.ruleSet, valid: report.isValid, findings: report.findings)
        }

        static func text(_ outcome: Outcome) -> String {
            if let error = outcome.error { return "\(outcome.file): unreadable: \(error)" }
            let fatal = outcome.findings.filter { $0.flag == .fatal }.count
            let warnings = outcome.findings.count - fatal
            var lines = [
                "\(outcome.file): \(outcome.valid ? "valid" : "INVALID") (\(outcome.ruleSet ?? "-"); \(counted(fatal, "error")), \(counted(warnings, "warning")))"
            ]
            for finding in outcome.findings {
                let term = finding.businessTerm.map { " (\($0))" } ?? ""
                let line = finding.line.map { ", line \($0)" } ?? ""
                lines.append(
                    "  \(finding.flag == .fatal ? "error  " : "warning") [\(finding.ruleID)]\(term) \(finding.message) — \(finding.location)\(line)")
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// "1 error", "2 errors".
func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}

func isFolder(_ path: String) -> Bool {
    var status = stat()
    return stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
}

/// The .xml files below a folder (any case of the extension), as paths relative to it. Walked
/// with `readdir`: it runs before any document is validated, so its cost is paid on one core,
/// and FileManager's enumerator took ~20 ms for 3,410 files. Symbolic links to folders are not
/// followed, as with the enumerator.
struct XMLFiles {
    let folder: String

    init(below folder: String) { self.folder = folder }

    var relativePaths: [String] {
        var found: [String] = []
        walk {
            found.append($0)
            return true
        }
        return found
    }

    var containsAny: Bool { !walk { _ in false } }

    /// Visits every .xml file below the folder; stops when `visit` returns false (then returns
    /// false). Folders wait on a list rather than the call stack, so no nesting depth exhausts it,
    /// and a folder reached again (a bind mount of its own parent) is not read twice.
    private func walk(_ visit: (String) -> Bool) -> Bool {
        var folders = [(path: folder, prefix: "")]
        var seen: Set<[UInt64]> = []
        while let (path, prefix) = folders.popLast() {
            guard let directory = opendir(path) else { continue }
            defer { closedir(directory) }
            var status = stat()
            guard fstat(dirfd(directory), &status) == 0, seen.insert([UInt64(status.st_dev), UInt64(status.st_ino)]).inserted else {
                continue
            }
            while let entry = readdir(directory) {
                // Read up to the name's NUL only: the record may be shorter than `d_name`'s 256 bytes.
                let name = withUnsafePointer(to: &entry.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: $0.pointee)) { String(cString: $0) }
                }
                if name == "." || name == ".." { continue }
                let full = path + "/" + name
                var type = entry.pointee.d_type
                if type == UInt8(DT_UNKNOWN) {
                    guard lstat(full, &status) == 0 else { continue }
                    type = (status.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
                }
                if type == UInt8(DT_DIR) {
                    folders.append((full, prefix + name + "/"))
                } else if name.lowercased().hasSuffix(".xml") && !visit(prefix + name) {
                    return false
                }
            }
        }
        return true
    }
}

/// A regular file's contents: read into memory when small, mapped when large. Mapping costs a
/// `munmap` (and `madvise` for the parsed pages) per file, and each of those interrupts every
/// other core to flush its TLB, which on a folder of small invoices kept the second core idle.
enum DocumentFile {
    case inMemory([UInt8])
    case mapped(MappedFile)

    /// From this size on a file is mapped, so that a large document is not held twice.
    static let mappingThreshold = 4 << 20

    init?(path: String) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        let size = Int(status.st_size)
        if size >= Self.mappingThreshold {
            guard let mapped = MappedFile(descriptor: descriptor, size: size) else { return nil }
            self = .mapped(mapped)
            return
        }
        var failed = false
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            while count < size {
                let got = read(descriptor, buffer.baseAddress! + count, size - count)
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else {
                    // Shrunk while being read: what was there is what is validated.
                    failed = got < 0
                    return
                }
                count += got
            }
        }
        if failed { return nil }
        self = .inMemory(bytes)
    }
}

/// A file mapped read-only (`MAP_PRIVATE`), unmapped when released.
final class MappedFile {
    let bytes: UnsafeBufferPointer<UInt8>

    init?(descriptor: Int32, size: Int) {
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else { return nil }
        bytes = UnsafeBufferPointer(start: address.assumingMemoryBound(to: UInt8.self), count: size)
    }

    deinit {
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
    }
}
