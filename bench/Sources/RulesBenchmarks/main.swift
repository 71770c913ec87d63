// Validation speed: the shared corpus per rule set, generated SI-UBL invoices of 10 … 10,000
// lines, a typical invoice in one new process, and peak memory. When SaxonC-HE (`pip install
// saxonche`) and the official XSLT artifacts are present (EFACTUUR_OFFICIAL_XSLT=path to
// si-ubl-2.0.xsl), the official route is timed on the same file for the ratio.
//
//   swift run -c release --package-path bench RulesBenchmarks [--corpus DIR] [--seconds S] [--profile FILE [--with-parsing]] [--cold FILE]
import BenchSupport
import EInvoice
import EInvoiceRules
import Foundation
import HardenedXML

try measurePeakMemoryIfChild { bytes in _ = try Validator(ruleSet: .siUBL).validate(bytes) }

let seconds = Double(option("--seconds") ?? "2") ?? 2

// `--cold FILE`: the first validation in this process (rule sets built on first use), then the second.
if let file = option("--cold") {
    let bytes = [UInt8](FileManager.default.contents(atPath: file)!)
    let start = DispatchTime.now().uptimeNanoseconds
    _ = try Validator().validate(bytes)
    let first = DispatchTime.now().uptimeNanoseconds
    _ = try Validator().validate(bytes)
    let second = DispatchTime.now().uptimeNanoseconds
    print("first validation \(format(Double(first - start) / 1e6, 2)) ms, second \(format(Double(second - first) / 1e6, 3)) ms: \(file)")
    exit(0)
}

// `--profile FILE [--with-parsing]`: validate one file over and over, for `perf record`.
if let file = option("--profile") {
    let bytes = [UInt8](FileManager.default.contents(atPath: file)!)
    let parsed = try XMLReader().read(bytes)
    let validator = Validator()
    let withParsing = CommandLine.arguments.contains("--with-parsing")
    let perDocument = measure(seconds: seconds) {
        if withParsing { _ = try! validator.validate(bytes) } else { _ = validator.validate(parsed) }
    }
    print("\(format(perDocument * 1e6)) µs \(withParsing ? "parsing and validating" : "validating") \(file)")
    exit(0)
}
let corpusFolder =
    option("--corpus")
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("shared/corpus").path

print("validator — \(ProcessInfo.processInfo.activeProcessorCount) cores, release build")
print("")
var corpus: [(path: String, bytes: [UInt8])] = []
if let enumerator = FileManager.default.enumerator(atPath: corpusFolder) {
    for case let path as String in enumerator where path.hasSuffix(".xml") && !path.hasPrefix("unit-tests") {
        corpus.append((path, [UInt8](FileManager.default.contents(atPath: corpusFolder + "/" + path)!)))
    }
}
corpus.sort { $0.path < $1.path }
if !corpus.isEmpty {
    let validator = Validator()
    let perDocument = measure(seconds: seconds) { for document in corpus { _ = try! validator.validate(document.bytes) } }
    let total = corpus.reduce(0) { $0 + $1.bytes.count }
    print("corpus (\(corpus.count) documents, \(total / 1024) KiB, rule set per CustomizationID):")
    print(
        "  \(format(Double(corpus.count) / perDocument, 0)) documents/s, \(format(perDocument * 1e6 / Double(corpus.count))) µs per document (parse + validate)"
    )
    let typical = corpus.first { $0.path.hasSuffix("SI-UBL-2.0_ok_full.xml") } ?? corpus[0]
    let parsed = try XMLReader().read(typical.bytes)
    let siUBL = Validator(ruleSet: .siUBL)
    let validateOnly = measure(seconds: seconds) { _ = siUBL.validate(parsed) }
    let withParse = measure(seconds: seconds) { _ = try! siUBL.validate(typical.bytes) }
    print(
        "  typical SI-UBL invoice \(typical.path) (\(typical.bytes.count / 1024) KiB): "
            + "\(format(validateOnly * 1e6)) µs validating, \(format(withParse * 1e6)) µs with parsing")
    print("")
}

print("generated SI-UBL invoices (parse + validate):")
print("  lines      size      ms/document   µs/line")
var largest: [UInt8] = []
for lines in [10, 100, 1_000, 10_000] {
    let bytes = UBLWriter().write(ExampleInvoices.siUBL(lineCount: lines))
    largest = bytes
    let validator = Validator(ruleSet: .siUBL)
    let time = measure(seconds: seconds) { _ = try! validator.validate(bytes) }
    let size = bytes.count >= 1_000_000 ? "\(format(Double(bytes.count) / 1e6)) MB" : "\(bytes.count / 1000) KB"
    print(
        "  \(String(lines).padding(toLength: 9, withPad: " ", startingAt: 0))  \(size.padding(toLength: 8, withPad: " ", startingAt: 0))  "
            + "\(format(time * 1e3, 3).padding(toLength: 12, withPad: " ", startingAt: 0))  \(format(time * 1e6 / Double(lines), 2))")
}

if let (before, after) = try peakMemoryInChild(of: largest, name: "efactuur-rules-bench-10000.xml") {
    let growth = after - before
    print("")
    print(
        "peak memory validating the 10,000-line invoice (\(format(Double(largest.count) / 1e6)) MB): +\(format(Double(growth) / 1e6)) MB = \(format(Double(growth) / Double(largest.count), 2))× the file size"
    )
}

if let xslt = ProcessInfo.processInfo.environment["EFACTUUR_OFFICIAL_XSLT"],
    let typical = corpus.first(where: { $0.path.hasSuffix("SI-UBL-2.0_ok_full.xml") })
{
    let script = """
        import sys, time
        from saxonche import PySaxonProcessor
        with PySaxonProcessor(license=False) as p:
            x = p.new_xslt30_processor(); e = x.compile_stylesheet(stylesheet_file=sys.argv[1])
            e.transform_to_string(source_file=sys.argv[2]); n = 50; t = time.perf_counter()
            for _ in range(n): e.transform_to_string(source_file=sys.argv[2])
            print((time.perf_counter() - t) / n)
        """
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("efactuur-official.py")
    try script.write(to: path, atomically: true, encoding: .utf8)
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", path.path, xslt, corpusFolder + "/" + typical.path]
    let output = Pipe()
    python.standardOutput = output
    try python.run()
    python.waitUntilExit()
    if let official = Double(
        String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    {
        let parsed = try XMLReader().read(typical.bytes)
        let ours = measure(seconds: seconds) { _ = Validator(ruleSet: .siUBL).validate(parsed) }
        print("")
        print(
            "official XSLT (SaxonC-HE) on \(typical.path): \(format(official * 1e3, 2)) ms warm; efactuur \(format(ours * 1e3, 3)) ms: \(format(official / ours, 0))× faster"
        )
    }
} else {
    print("")
    print("official XSLT comparison skipped: set EFACTUUR_OFFICIAL_XSLT to the SI-UBL 2.0 XSLT and install saxonche")
}
