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
        return entries(of: directory)
    }

    /// The entries of an open folder, unsorted. Types the file system leaves
    /// out are found with `fstatat` relative to the folder.
    private static func entries(of directory: OpaquePointer) -> [Entry] {
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
                if fstatat(dirfd(directory), name, &info, AT_SYMLINK_NOFOLLOW) == 0 {
                    isFolder = info.st_mode & S_IFMT == S_IFDIR
                    isRegularFile = info.st_mode & S_IFMT == S_IFREG
                }
            }
            entries.append(Entry(name: name, isFolder: isFolder, isRegularFile: isRegularFile))
        }
        return entries
    }

    /// Every regular file below `root`, as paths relative to it, with what
    /// `stamp` makes of its `stat` (links followed, as `stat(2)` does);
    /// unsorted. Files `stamp` returns nil for, and folders that cannot be
    /// opened, are skipped.
    ///
    /// What `check` pays on a folder of 100,000 generated files, so: each
    /// file is looked up relative to its open folder (`fstatat`), never by a
    /// path walked from the root.
    public static func regularFiles<Stamp: Sendable>(
        below root: String, stamp: @Sendable @escaping (stat) -> Stamp?
    ) -> [(path: String, stamp: Stamp)] {
        walk(below: root) { folder, name, path in
            var info = stat()
            guard fstatat(folder, name, &info, 0) == 0, info.st_mode & S_IFMT == S_IFREG, let value = stamp(info) else { return nil }
            return (path, value)
        }
    }

    /// Every regular file below `root`, as paths relative to it, unsorted.
    /// Folders that cannot be opened are skipped.
    public static func regularFiles(below root: String) -> [String] {
        walk(below: root) { _, _, path in path }
    }

    /// The one walk below `root`: each folder opened once, the folders of one
    /// depth read in parallel, and `file` called for each regular file with
    /// its folder's descriptor, its name and its path relative to `root`.
    private static func walk<Found: Sendable>(
        below root: String, file: @Sendable @escaping (_ folder: Int32, _ name: String, _ path: String) -> Found?
    ) -> [Found] {
        var found: [Found] = []
        var level = [""]
        while !level.isEmpty {
            let read = level.parallelMap { folder -> (found: [Found], folders: [String]) in
                let fd = open(folder.isEmpty ? root : root + "/" + folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                guard fd >= 0 else { return ([], []) }
                guard let directory = fdopendir(fd) else {
                    close(fd)
                    return ([], [])
                }
                defer { closedir(directory) }
                var found: [Found] = []
                var folders: [String] = []
                for entry in entries(of: directory) {
                    let path = folder.isEmpty ? entry.name : folder + "/" + entry.name
                    if entry.isFolder {
                        folders.append(path)
                    } else if entry.isRegularFile, let value = file(fd, entry.name, path) {
                        found.append(value)
                    }
                }
                return (found, folders)
            }
            level = read.flatMap(\.folders)
            for part in read { found.append(contentsOf: part.found) }
        }
        return found
    }
}
