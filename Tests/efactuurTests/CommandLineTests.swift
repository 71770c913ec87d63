import EInvoice
import EInvoiceTestSupport
import Foundation
import Testing

/// Runs the real `efactuur` binary, as a user or a script would.
@Suite(.timeLimit(.minutes(10)))
struct CommandLineTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let binary: URL = {
        // The test bundle and the executable are built into the same folder.
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var folder = bundle.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("efactuur").path),
            folder.path != "/"
        {
            folder.deleteLastPathComponent()
        }
        return folder.appendingPathComponent("efactuur")
    }()

    func run(_ arguments: [String], stdin: [UInt8]? = nil) throws -> Run {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        // Output goes to files, not pipes: a child that fills one pipe while we wait on the
        // other would never finish.
        let folder = TestFolder.root.appendingPathComponent("efactuur-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outPath = folder.appendingPathComponent("stdout").path
        let errPath = folder.appendingPathComponent("stderr").path
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let input = Pipe()
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin)) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let stdout = FileManager.default.contents(atPath: outPath) ?? Data()
        let stderr = FileManager.default.contents(atPath: errPath) ?? Data()
        return Run(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    func temporaryFile(_ bytes: [UInt8], name: String = "invoice.xml") throws -> String {
        let folder = TestFolder.root.appendingPathComponent("efactuur-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    @Test func inspectPrintsTheSummary() throws {
        let path = try temporaryFile(UBLWriter().write(ExampleInvoices.siUBL(number: "F-77", lineCount: 4)))
        let result = try run(["inspect", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Invoice F-77 (type 380)"))
        #expect(result.stdout.contains("lines: 4"))
        #expect(result.stdout.contains("endpoint 0190:00000001003214321000"))
    }

    @Test func inspectJSONIsOneObjectForScripts() throws {
        let invoice = ExampleInvoices.siUBL(number: "F-78", lineCount: 5)
        let result = try run(["inspect", "-", "--json"], stdin: UBLWriter().write(invoice))
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["number"] as? String == "F-78")
        #expect(object["lineCount"] as? Int == 5)
        #expect(object["payableAmount"] as? String == invoice.totals.payableAmount.value.description)
        #expect((object["vatBreakdown"] as? [Any])?.count == invoice.vatTotal?.subtotals.count)
        #expect((object["seller"] as? [String: Any])?["legalID"] as? String == "0106:12345678")
    }

    @Test func reformatWritesTheDocumentBack() throws {
        let invoice = ExampleInvoices.siUBL(lineCount: 2)
        let bytes = UBLWriter().write(invoice)
        let path = try temporaryFile(bytes)
        let result = try run(["reformat", path])
        #expect(result.status == 0)
        #expect(Array(result.stdout.utf8) == bytes)
    }

    @Test(arguments: [
        ("not xml at all", "xml.malformed"),
        (#"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>"#, "xml.dtd-forbidden"),
        (#"<Order xmlns="urn:x"/>"#, "ubl.wrong-root"),
    ])
    func unreadableInputExitsWithTwo(_ text: String, _ code: String) throws {
        for command in ["inspect", "reformat"] {
            let result = try run([command, "-"], stdin: Array(text.utf8))
            #expect(result.status == 2)
            #expect(result.stderr.contains(code), "\(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
    }

    @Test func missingFileExitsWithTwo() throws {
        let result = try run(["inspect", "/nonexistent/invoice.xml"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("cannot read"))
    }

    @Test func helpDescribesTheCommands() throws {
        let result = try run(["--help"])
        #expect(result.status == 0)
        for command in ["inspect", "reformat", "demo", "books", "serve", "platform", "validate"] { #expect(result.stdout.contains(command)) }
        let inspect = try run(["inspect", "--help"])
        #expect(inspect.stdout.contains("--json"))
    }

    @Test("efactuur render writes a PDF a standard PDF library reads, with the invoice's text")
    func render() throws {
        let path = try temporaryFile(UBLWriter().write(ExampleInvoices.siUBL(number: "F-PDF-7", lineCount: 60)))
        let output = path + ".pdf"
        let result = try run(["render", path, "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        // pypdf (pip install pypdf; .ci/run installs it) opens the file and extracts its text.
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = [
            "python3", "-c",
            """
            import sys, pypdf
            reader = pypdf.PdfReader(sys.argv[1], strict=True)
            print(len(reader.pages))
            print("\\n".join(page.extract_text() for page in reader.pages))
            """, output,
        ]
        let out = Pipe()
        python.standardOutput = out
        try python.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        #expect(Int(text.prefix { $0.isNumber }) == 2, "60 lines take two pages")
        #expect(text.contains("Factuur F-PDF-7"))
        #expect(text.contains("Artikel 60"))
        #expect(text.contains("Te betalen"))
        #expect(text.contains("€ "), "amounts as Dutch readers read them")
        #expect(text.contains("Pagina 2 van 2"))
        #expect(try run(["render", "/nonexistent.xml"]).status == 2)
    }

    @Test("efactuur demo: keys, Quick Connect, debtor, invoice, VERZENDEN, Delivery ID, route, purchase invoice")
    func demoRunsTheMainJob() throws {
        let folder = TestFolder.root.appendingPathComponent("efactuur-demo-\(UUID().uuidString)").path
        let result = try run(["demo", "--folder", folder])
        #expect(result.status == 0, "\(result.stderr)")
        for expected in [
            "SECRET_KEY:", "Type VERZENDEN to send: VERZENDEN", "Sent. Delivery ID: XCNIN", "→ Klant B.V. via ToInbox (0106:87654321)",
            "Purchase invoice F", "marked 30 Verwerkt on the platform: yes", "Fetching again: 0 new, 1 already in the books.",
            ": 30 Verwerkt, changed by Klant", "The platform has stopped",
        ] {
            #expect(result.stdout.contains(expected), "\(expected)")
        }
        #expect(result.stdout.components(separatedBy: "\nvalid ").count == 3, "both files valid")
        let purchases = try FileManager.default.contentsOfDirectory(atPath: folder + "/Klant/inkoop")
        #expect(purchases.count == 1)
        #expect(purchases.first?.hasSuffix(".xml") == true)
    }
}

/// `efactuur validate`, as scripts use it.
@Suite(.timeLimit(.minutes(10)))
struct ValidateCommandTests {
    let cli = CommandLineTests()

    @Test func exitCodesSayValidInvalidUnreadable() throws {
        let valid = try cli.temporaryFile(UBLWriter().write(ExampleInvoices.siUBL(lineCount: 2)), name: "valid.xml")
        var broken = ExampleInvoices.siUBL(lineCount: 2)
        broken.buyerReference = nil
        broken.orderReference = nil
        let invalid = try cli.temporaryFile(UBLWriter().write(broken), name: "invalid.xml")

        let ok = try cli.run(["validate", valid])
        #expect(ok.status == 0)
        #expect(ok.stdout.contains("valid (si-ubl"))
        let bad = try cli.run(["validate", valid, invalid])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("[BR-NL-2]"))
        let unreadable = try cli.run(["validate", "-"], stdin: Array("<a>".utf8))
        #expect(unreadable.status == 2)
        // A file that cannot be mapped (a pipe, as with `<(…)`) is read as it comes.
        let piped = try cli.run(["validate", "/dev/stdin"], stdin: UBLWriter().write(ExampleInvoices.siUBL()))
        #expect(piped.status == 0, "\(piped.stdout) \(piped.stderr)")
        #expect(piped.stdout.contains("valid (si-ubl"))
        let usage = try cli.run(["validate", "--ruleset", "nonsense", valid])
        #expect(usage.status == 2)
    }

    @Test func jsonIsOneObjectPerDocument() throws {
        let folder = TestFolder.root.appendingPathComponent("efactuur-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for number in 1...3 {
            _ = FileManager.default.createFile(
                atPath: folder.appendingPathComponent("F\(number).xml").path,
                contents: Data(UBLWriter().write(ExampleInvoices.siUBL(number: "F\(number)", lineCount: number))))
        }
        // Subfolders are searched, the extension in any case; other files are left alone.
        let sub = folder.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(
            atPath: sub.appendingPathComponent("G.XML").path, contents: Data(UBLWriter().write(ExampleInvoices.siUBL(number: "G"))))
        _ = FileManager.default.createFile(atPath: sub.appendingPathComponent("notes.txt").path, contents: Data("x".utf8))
        let result = try cli.run(["validate", folder.path, "--json", "--ruleset", "peppol"])
        #expect(result.status == 1)  // SI-UBL documents are not Peppol BIS 3 documents
        let objects = result.stdout.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(objects.map { ($0["file"] as? String)?.dropFirst(folder.path.count) } == ["/F1.xml", "/F2.xml", "/F3.xml", "/sub/G.XML"])
        #expect(objects.allSatisfy { $0["ruleSet"] as? String == "peppol" && $0["valid"] as? Bool == false })
        let findings = objects[0]["findings"] as? [[String: Any]] ?? []
        #expect(findings.contains { $0["ruleID"] as? String == "PEPPOL-EN16931-R004" && $0["flag"] as? String == "fatal" })
        // A folder without documents is a usage error.
        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let nothing = try cli.run(["validate", empty.path])
        #expect(nothing.status == 2)
        #expect(nothing.stderr.contains("holds no .xml file"))
    }

    /// A folder nested hundreds deep is searched to the bottom; a link back up is not followed.
    @Test func deepFoldersAndLinkLoops() throws {
        let top = TestFolder.root.appendingPathComponent("efactuur-deep-\(UUID().uuidString)")
        var bottom = top
        for _ in 0..<400 { bottom = bottom.appendingPathComponent("d") }
        try FileManager.default.createDirectory(at: bottom, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(
            atPath: bottom.appendingPathComponent("Deep.xml").path, contents: Data(UBLWriter().write(ExampleInvoices.siUBL())))
        try FileManager.default.createSymbolicLink(at: bottom.appendingPathComponent("up"), withDestinationURL: top)
        // A folder whose name ends in .xml is a folder: its documents are validated.
        let archive = top.appendingPathComponent("2026.xml")
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(
            atPath: archive.appendingPathComponent("Archived.xml").path, contents: Data(UBLWriter().write(ExampleInvoices.siUBL())))
        let result = try cli.run(["validate", top.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").count == 2)
        #expect(result.stdout.contains("/2026.xml/Archived.xml"))
        #expect(result.stdout.contains("Deep.xml"))
        try? FileManager.default.removeItem(at: top)
    }
}
