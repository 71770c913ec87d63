import Foundation

/// The shared corpus of real invoices (`../shared/corpus` beside the checkout, or `$EFACTUUR_SHARED/corpus`).
public enum Corpus {
    public static let sharedFolder: URL = {
        if let override = ProcessInfo.processInfo.environment["EFACTUUR_SHARED"] {
            return URL(fileURLWithPath: override)
        }
        // Tests/EInvoiceTestSupport/Corpus.swift → package root → ../shared
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("shared")
    }()

    public static let folder = sharedFolder.appendingPathComponent("corpus")

    public struct Case: Sendable, CustomStringConvertible {
        public let path: String
        public let root: String
        /// Rule ids the official validators reported as fatal (`XSD` = schema error).
        public let fatal: [String]
        public let warning: [String]
        /// The rule set the official verdict was produced with.
        public let ruleSet: String

        public var url: URL { Corpus.folder.appendingPathComponent(path) }
        public var description: String { path }
        public var failsSchema: Bool { fatal.contains("XSD") }
    }

    /// One case per document in `outcomes.jsonl`: adding a document there adds a test case.
    public static let cases: [Case] = {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("outcomes.jsonl"), encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let path = object["path"] as? String
            else { return nil }
            return Case(
                path: path, root: object["root"] as? String ?? "", fatal: object["fatal"] as? [String] ?? [],
                warning: object["warning"] as? [String] ?? [], ruleSet: object["ruleset"] as? String ?? "")
        }
    }()
}
