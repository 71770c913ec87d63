import Foundation
import HardenedXML

/// The official unit-test sets of the rule owners (vefa `testSet` files): each test holds a
/// document fragment and the rule ids that must fire (`error`, `warning`) or must not (`success`).
public enum UnitTestSets {
    public struct Test: Sendable, CustomStringConvertible {
        public let file: String
        public let index: Int
        public let ruleSet: String
        public let document: XMLElement
        public let mustNotFire: [String]
        public let mustFireFatal: [String]
        public let mustFireWarning: [String]
        public var description: String { "\(file)#\(index)" }
    }

    /// EN 16931 (`tc434-ubl` → en16931), Peppol and Peppol NL tests.
    public static let all: [Test] = {
        let folder = Corpus.folder.appendingPathComponent("unit-tests")
        let extracted = TestFolder.root.appendingPathComponent(
            "efactuur-unit-tests-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: extracted, withIntermediateDirectories: true)
        for archive in ["en16931-unit-UBL.tar.gz", "peppol-unit-UBL-PEPPOL.tar.gz"] {
            let tar = Process()
            tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            tar.arguments = ["tar", "xzf", folder.appendingPathComponent(archive).path, "-C", extracted.path]
            try? tar.run()
            tar.waitUntilExit()
        }
        var files: [URL] = []
        for root in [extracted, folder.appendingPathComponent("peppol-unit-UBL-NL")] {
            guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in enumerator where url.pathExtension == "xml" { files.append(url) }
        }
        files.sort { $0.path < $1.path }
        var tests: [Test] = []
        for url in files {
            guard let data = FileManager.default.contents(atPath: url.path),
                let set = try? XMLReader().read([UInt8](data)), set.name == "testSet"
            else { continue }
            let ruleSet = set.attribute("configuration") == "tc434-ubl" ? "en16931" : "peppol"
            let name = url.deletingPathExtension().lastPathComponent + (url.path.contains("CreditNote") ? " (CN)" : "")
            for (index, test) in set.children.filter({ $0.name == "test" }).enumerated() {
                guard let document = test.children.first(where: { $0.name == "Invoice" || $0.name == "CreditNote" }) else { continue }
                let assert = test.children.first { $0.name == "assert" }
                func ids(_ kind: String) -> [String] {
                    (assert?.children ?? []).filter { $0.name == kind }.map { $0.text.trimmingCharacters(in: .whitespacesAndNewlines) }
                }
                tests.append(
                    Test(
                        file: name, index: index + 1, ruleSet: ruleSet, document: document, mustNotFire: ids("success"),
                        mustFireFatal: ids("error"), mustFireWarning: ids("warning")))
            }
        }
        return tests
    }()
}
