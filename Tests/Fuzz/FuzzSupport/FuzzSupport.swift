import CLibFuzzer

#if canImport(Glibc)
import Glibc
#endif

// SwiftPM links an executable with `main` aliased to the module's own entry point, which overrides
// libFuzzer's `main`; so each target's top-level code hands control to libFuzzer's driver itself.
nonisolated(unsafe) private var currentTarget: ((UnsafeRawBufferPointer) -> Void)?

/// Runs libFuzzer (its flags come from the command line) with `body` as the target: `body` gets
/// every input and must not crash, leak or hang on any of them; it checks what it can with
/// `fuzzCheck`. Never returns.
public func fuzzMain(_ body: @escaping (UnsafeRawBufferPointer) -> Void) -> Never {
    currentTarget = body
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}

/// Makes what a target keeps for the whole run (keys, configurations). LeakSanitizer cannot always
/// follow Swift's references (an enum's case is kept in a pointer's spare bits), so what is made
/// here is never reported as a leak; what an input leaves behind still is.
public func fuzzSetup<T>(_ make: () throws -> T) rethrows -> T {
    __lsan_disable()
    defer { __lsan_enable() }
    return try make()
}

/// A property every input must keep (an invariant of the parser, not of the input): when it
/// fails, the fuzzer stops with `message` and saves the input as a crash.
public func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        let text = "fuzz check failed: \(message())\n"
        _ = text.withCString { write(2, $0, strlen($0)) }
        abort()
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let currentTarget else { return 0 }
    currentTarget(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
