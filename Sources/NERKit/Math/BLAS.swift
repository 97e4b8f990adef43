import CBLAS
import Foundation

/// Row-major single-precision matrix products through OpenBLAS.
package enum BLAS {
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, with op(A) m×k and op(B) k×n, all row-major.
    /// `lda`, `ldb`, `ldc` default to the packed row lengths.
    @inline(__always)
    static func gemm(
        transA: Bool = false, transB: Bool = false,
        m: Int, n: Int, k: Int,
        alpha: Float = 1,
        _ a: UnsafePointer<Float>, lda: Int? = nil,
        _ b: UnsafePointer<Float>, ldb: Int? = nil,
        beta: Float = 0,
        _ c: UnsafeMutablePointer<Float>, ldc: Int? = nil
    ) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { c.update(repeating: 0, count: m * (ldc ?? n)) }
            return
        }
        cblas_sgemm(
            CblasRowMajor,
            transA ? CblasTrans : CblasNoTrans,
            transB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda ?? (transA ? m : k)),
            b, Int32(ldb ?? (transB ? k : n)),
            beta, c, Int32(ldc ?? n))
    }

    /// The number of threads OpenBLAS uses for one product. With 1, the worker threads that the
    /// threaded OpenBLAS starts when it loads are also stopped: each spins on `sched_yield` for
    /// 2^28 cycles (about 0.1 s of a core) before it sleeps, which in a short run (`ner convert`
    /// of a corpus, a cold `ner tag`) was a quarter of the process's CPU time and took a core
    /// from its own threads. OpenBLAS starts them again if a later call asks for more threads.
    package static func setThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
        if n <= 1 { stopWorkerThreads() }
    }

    /// Calls the threaded OpenBLAS's `blas_thread_shutdown_` (looked up at run time: the serial
    /// and OpenMP builds have no such threads and no such function).
    private static func stopWorkerThreads() {
        typealias Shutdown = @convention(c) () -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "blas_thread_shutdown_") else { return }
        _ = unsafeBitCast(symbol, to: Shutdown.self)()
    }

    package static var threads: Int { Int(openblas_get_num_threads()) }

    /// The CPU kernel set OpenBLAS chose at load time (e.g. "Haswell", "SkylakeX").
    package static var coreName: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
    }

    /// OpenBLAS 0.3.21 does not recognise some recent or virtualised CPUs and falls back to its
    /// SSE3 "Prescott" kernels, which run this model's products about 1.5× slower. Returns the
    /// kernel set the CPU supports when OpenBLAS picked a weaker one, nil otherwise; OpenBLAS
    /// reads `OPENBLAS_CORETYPE` only when it loads, so the caller must re-exec to apply it.
    package static func betterCoreType(cpuinfo: String? = nil) -> String? {
        let info = cpuinfo ?? ((try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")
        guard let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        let current = coreName.lowercased()
        if flags.contains("avx512f") && flags.contains("avx512bw") && current != "skylakex" && current != "cooperlake" && current != "sapphirerapids" {
            return "SkylakeX"
        }
        if flags.contains("avx2") && flags.contains("fma") && ["prescott", "core2", "penryn", "nehalem", "sandybridge", "unknown"].contains(current) {
            return "Haswell"
        }
        return nil
    }
}
