import Foundation

/// Inputs the fuzz targets (`fuzz/`) once failed on, kept in `Tests/FuzzRegressions/TARGET`: each
/// test suite replays those of the code it covers.
public enum FuzzRegressions {
    public static func inputs(_ target: String) -> [(name: String, bytes: [UInt8])] {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzRegressions").appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().compactMap { name in
            (try? Data(contentsOf: folder.appendingPathComponent(name))).map { (name, [UInt8]($0)) }
        }
    }
}
