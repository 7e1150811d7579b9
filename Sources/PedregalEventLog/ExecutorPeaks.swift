/// An executor's peak memory and GC counters, as Spark's executor metrics
/// report them (`Task Executor Metrics`, `Executor Metrics`); bytes, and ms
/// for GC times. Zero when not reported.
public struct ExecutorPeaks: Sendable, Equatable, Hashable {
    /// `JVMHeapMemory`: used heap.
    public var jvmHeap = 0
    /// `JVMOffHeapMemory`: used non-heap memory (metaspace, code cache…).
    public var jvmOffHeap = 0
    /// `OnHeapExecutionMemory`.
    public var onHeapExecution = 0
    /// `OffHeapExecutionMemory`.
    public var offHeapExecution = 0
    /// `OnHeapStorageMemory`.
    public var onHeapStorage = 0
    /// `OffHeapStorageMemory`.
    public var offHeapStorage = 0
    /// `DirectPoolMemory`: NIO direct buffers.
    public var directPool = 0
    /// `MappedPoolMemory`.
    public var mappedPool = 0
    /// `ProcessTreeJVMRSSMemory` (with `spark.executor.processTreeMetrics.enabled`).
    public var processTreeJVMRSS = 0
    /// `ProcessTreePythonRSSMemory`: Python workers' resident memory.
    public var processTreePythonRSS = 0
    /// `ProcessTreeOtherRSSMemory`.
    public var processTreeOtherRSS = 0
    /// `TotalGCTime`, cumulative.
    public var totalGCTime = 0
    /// `MajorGCTime`, cumulative.
    public var majorGCTime = 0
    /// `MajorGCCount`, cumulative.
    public var majorGCCount = 0

    /// Nothing reported.
    public init() {}

    /// Reads Spark's metric names; unknown names are ignored.
    public init(_ metrics: [String: Int]) {
        jvmHeap = metrics["JVMHeapMemory"] ?? 0
        jvmOffHeap = metrics["JVMOffHeapMemory"] ?? 0
        onHeapExecution = metrics["OnHeapExecutionMemory"] ?? 0
        offHeapExecution = metrics["OffHeapExecutionMemory"] ?? 0
        onHeapStorage = metrics["OnHeapStorageMemory"] ?? 0
        offHeapStorage = metrics["OffHeapStorageMemory"] ?? 0
        directPool = metrics["DirectPoolMemory"] ?? 0
        mappedPool = metrics["MappedPoolMemory"] ?? 0
        processTreeJVMRSS = metrics["ProcessTreeJVMRSSMemory"] ?? 0
        processTreePythonRSS = metrics["ProcessTreePythonRSSMemory"] ?? 0
        processTreeOtherRSS = metrics["ProcessTreeOtherRSSMemory"] ?? 0
        totalGCTime = metrics["TotalGCTime"] ?? 0
        majorGCTime = metrics["MajorGCTime"] ?? 0
        majorGCCount = metrics["MajorGCCount"] ?? 0
    }

    /// Whether anything was reported.
    public var isEmpty: Bool { self == ExecutorPeaks() }

    /// Off-heap memory the JVM uses beside its heap: non-heap, direct and mapped pools.
    public var offHeapTotal: Int {
        [directPool, mappedPool, offHeapExecution, offHeapStorage].reduce(jvmOffHeap) { $0.plus($1) }
    }

    /// Each field the larger of the two.
    public func merged(with other: ExecutorPeaks) -> ExecutorPeaks {
        var result = self
        result.jvmHeap = max(jvmHeap, other.jvmHeap)
        result.jvmOffHeap = max(jvmOffHeap, other.jvmOffHeap)
        result.onHeapExecution = max(onHeapExecution, other.onHeapExecution)
        result.offHeapExecution = max(offHeapExecution, other.offHeapExecution)
        result.onHeapStorage = max(onHeapStorage, other.onHeapStorage)
        result.offHeapStorage = max(offHeapStorage, other.offHeapStorage)
        result.directPool = max(directPool, other.directPool)
        result.mappedPool = max(mappedPool, other.mappedPool)
        result.processTreeJVMRSS = max(processTreeJVMRSS, other.processTreeJVMRSS)
        result.processTreePythonRSS = max(processTreePythonRSS, other.processTreePythonRSS)
        result.processTreeOtherRSS = max(processTreeOtherRSS, other.processTreeOtherRSS)
        result.totalGCTime = max(totalGCTime, other.totalGCTime)
        result.majorGCTime = max(majorGCTime, other.majorGCTime)
        result.majorGCCount = max(majorGCCount, other.majorGCCount)
        return result
    }
}
