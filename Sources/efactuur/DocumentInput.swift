import ArgumentParser
import EInvoice
import Foundation

/// The document argument shared by the commands that read one: a path, or `-` for standard input.
struct DocumentInput: ParsableArguments {
    @Argument(help: "The UBL invoice or credit note to read, or '-' for standard input.")
    var file: String

    func readBytes() throws -> [UInt8] {
        if file == "-" {
            return [UInt8](FileHandle.standardInput.readDataToEndOfFile())
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), isFolder.boolValue {
            throw CommandFailure("'\(file)' is a folder; give one document", code: "cli.folder-not-file")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure("cannot read '\(file)': no such file, or not readable", code: "cli.unreadable-file")
        }
        return [UInt8](data)
    }

    /// Reads and parses the document; on failure prints why on stderr and exits with code 2.
    func readInvoice() throws -> Invoice {
        do {
            return try UBLReader().read(try readBytes())
        } catch let error as UBLReadError {
            throw CommandFailure("\(file): \(error)")
        }
    }
}

/// An error the command has explained, with a stable code; it prints the message on stderr and
/// exits with code 2.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var code: String
    init(_ message: String, code: String = "cli.failed") {
        self.message = message
        self.code = code
    }
    var description: String { "\(message) [\(code)]" }
}

extension ParsableCommand {
    /// Runs `body`; a ``CommandFailure`` becomes a message on stderr and exit code 2.
    func exitingOnFailure(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("efactuur: \(failure.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}
