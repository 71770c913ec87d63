#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files that hold other businesses' documents and connection secrets: readable by their owner
/// alone. A database is created `0600` (SQLite gives its `-wal` and `-shm` files the same mode)
/// in a folder created `0700`; files and a dedicated folder found open to others are tightened,
/// and each tightening is reported so the operator can look into how it happened.
public enum PrivateFiles {
    /// Prepares the SQLite database at `path` before it is opened. `ownsFolder` says the folder
    /// holds nothing but this store (the platform's data directory), so it may be tightened too;
    /// a folder that does not exist yet is always created `0700`. Returns the warnings.
    public static func prepareDatabase(at path: String, ownsFolder: Bool) throws(PrivateFilesError) -> [String] {
        var warnings: [String] = []
        let folder = parent(of: path)
        if !folder.isEmpty {
            if let mode = mode(of: folder) {
                if ownsFolder && mode & 0o077 != 0 {
                    try tighten(folder, to: 0o700, from: mode)
                    warnings.append("\(folder) was readable by others (mode \(octal(mode))); it is now 0700")
                }
            } else {
                try createFolder(folder)
            }
        }
        if mode(of: path) == nil {
            let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            if descriptor < 0 && errno != EEXIST { throw PrivateFilesError(path: path, errno: errno) }
            if descriptor >= 0 { close(descriptor) }
        }
        for file in [path, path + "-wal", path + "-shm"] {
            guard let mode = mode(of: file), mode & 0o077 != 0 else { continue }
            try tighten(file, to: 0o600, from: mode)
            warnings.append("\(file) was readable by others (mode \(octal(mode))); it is now 0600")
        }
        return warnings
    }

    /// The permission bits of `path`, nil when it does not exist.
    public static func mode(of path: String) -> mode_t? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & 0o7777
    }

    private static func createFolder(_ folder: String) throws(PrivateFilesError) {
        let grandparent = parent(of: folder)
        if !grandparent.isEmpty && mode(of: grandparent) == nil { try createFolder(grandparent) }
        if mkdir(folder, 0o700) != 0 && errno != EEXIST { throw PrivateFilesError(path: folder, errno: errno) }
    }

    private static func tighten(_ path: String, to mode: mode_t, from old: mode_t) throws(PrivateFilesError) {
        // Keep the owner's bits (and a folder's search bit), drop group and others.
        if chmod(path, (old & 0o700) | (mode & 0o700)) != 0 { throw PrivateFilesError(path: path, errno: errno) }
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func octal(_ mode: mode_t) -> String { "0" + String(mode, radix: 8) }
}

public struct PrivateFilesError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var errno: Int32

    public var description: String { "cannot create or protect \(path): \(String(cString: strerror(errno)))" }
}
