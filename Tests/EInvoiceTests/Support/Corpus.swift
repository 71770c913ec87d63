import Foundation

/// The shared corpus of real invoices (`../shared/corpus` beside the checkout, or `$EFACTUUR_SHARED/corpus`).
enum Corpus {
    static let sharedFolder: URL = {
        if let override = ProcessInfo.processInfo.environment["EFACTUUR_SHARED"] {
            return URL(fileURLWithPath: override)
        }
        // Tests/EInvoiceTests/Support/Corpus.swift → package root → ../shared
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared")
    }()

    static let folder = sharedFolder.appendingPathComponent("corpus")

    struct Case: Sendable, CustomStringConvertible {
        let path: String
        let root: String
        /// Rule ids the official validators reported as fatal (`XSD` = schema error).
        let fatal: [String]

        var url: URL { Corpus.folder.appendingPathComponent(path) }
        var description: String { path }
        var failsSchema: Bool { fatal.contains("XSD") }
    }

    /// One case per document in `outcomes.jsonl`: adding a document there adds a test case.
    static let cases: [Case] = {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("outcomes.jsonl"), encoding: .utf8)
        else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let path = object["path"] as? String
            else { return nil }
            return Case(path: path, root: object["root"] as? String ?? "", fatal: object["fatal"] as? [String] ?? [])
        }
    }()
}
