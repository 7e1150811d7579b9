#if canImport(Glibc)
import Glibc
#endif

/// The regular files below a folder, read with `readdir`: one system call
/// per few hundred entries and no `stat` per file where the file system
/// reports the entry's type.
public enum FolderListing {
    /// An entry of a folder.
    public struct Entry: Sendable, Equatable {
        /// The entry's name (never "." or "..").
        public var name: String
        /// Whether it is a folder (links are not followed, so a link to a
        /// folder is neither).
        public var isFolder: Bool
        /// Whether it is a regular file.
        public var isRegularFile: Bool
    }

    /// The entries of `folder`, unsorted; nil when it cannot be opened.
    ///
    /// The kernel's records are only `d_reclen` bytes long, shorter than
    /// `struct dirent` whenever the name is short, so a record must never be
    /// copied whole (`entry.pointee`): at the end of readdir's buffer that
    /// copy reads past the mapping. Only the fixed fields before the name
    /// and the name itself, up to its terminating NUL, are read, in place.
    public static func entries(of folder: String) -> [Entry]? {
        guard let directory = opendir(folder) else { return nil }
        defer { closedir(directory) }
        var entries: [Entry] = []
        let typeOffset = MemoryLayout<dirent>.offset(of: \dirent.d_type)!
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let record = readdir(directory) {
            let raw = UnsafeRawPointer(record)
            let type = raw.load(fromByteOffset: typeOffset, as: UInt8.self)
            let name = String(cString: (raw + nameOffset).assumingMemoryBound(to: CChar.self))
            if name == "." || name == ".." { continue }
            var isFolder = Int32(type) == Int32(DT_DIR)
            var isRegularFile = Int32(type) == Int32(DT_REG)
            if Int32(type) == Int32(DT_UNKNOWN) {
                // Some file systems (older XFS, some network ones) leave the type out.
                var info = stat()
                if lstat(folder + "/" + name, &info) == 0 {
                    isFolder = info.st_mode & S_IFMT == S_IFDIR
                    isRegularFile = info.st_mode & S_IFMT == S_IFREG
                }
            }
            entries.append(Entry(name: name, isFolder: isFolder, isRegularFile: isRegularFile))
        }
        return entries
    }

    /// Every regular file below `root`, as paths relative to it, unsorted.
    /// Folders that cannot be opened are skipped.
    public static func regularFiles(below root: String) -> [String] {
        var paths: [String] = []
        var folders = [""]
        while let folder = folders.popLast() {
            guard let entries = entries(of: folder.isEmpty ? root : root + "/" + folder) else { continue }
            for entry in entries {
                let path = folder.isEmpty ? entry.name : folder + "/" + entry.name
                if entry.isFolder {
                    folders.append(path)
                } else if entry.isRegularFile {
                    paths.append(path)
                }
            }
        }
        return paths
    }
}
