// The native tier's backend on LLVM 19: translate (module_translator.h), optimize with the
// standard O2 pipeline plus budget versioning (loop_versioning.h), resolve the NaN marks
// (nan_quieting.h), emit a relocatable object, and link objects into the process with ORC.
// Each module's code lives in a JITDylib of its own, removed with its NativeCode.
#include "loop_versioning.h"
#include "module_translator.h"
#include "nan_quieting.h"

#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/Transforms/Scalar/InstSimplifyPass.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

#include <unistd.h>

namespace tycho::wasm::detail::jit {

namespace {

std::string message_of(llvm::Error error) {
    return llvm::toString(std::move(error));
}

class LoadedCode final : public NativeCode {
  public:
    LoadedCode(llvm::orc::LLJIT& jit, llvm::orc::JITDylib& dylib, std::vector<NativeEntry> entries)
        : jit_(jit), dylib_(dylib), entries_(std::move(entries)) {}
    ~LoadedCode() override {
        if (auto error = jit_.getExecutionSession().removeJITDylib(dylib_))
            llvm::consumeError(std::move(error)); // the code is gone either way
    }
    NativeEntry entry(uint32_t defined_index) const override { return entries_[defined_index]; }

  private:
    llvm::orc::LLJIT& jit_;
    llvm::orc::JITDylib& dylib_;
    std::vector<NativeEntry> entries_;
};

class LlvmBackend final : public NativeBackend {
  public:
    static std::unique_ptr<LlvmBackend> create(const NativeRuntime& runtime, std::string& error) {
        llvm::InitializeNativeTarget();
        llvm::InitializeNativeTargetAsmPrinter();
        auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
        if (!builder) {
            error = message_of(builder.takeError());
            return nullptr;
        }
        builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
        builder->setRelocationModel(llvm::Reloc::PIC_);
        builder->setCodeModel(llvm::CodeModel::Small);
        auto machine = builder->createTargetMachine();
        if (!machine) {
            error = message_of(machine.takeError());
            return nullptr;
        }
        auto jit = llvm::orc::LLJITBuilder().setJITTargetMachineBuilder(*builder).create();
        if (!jit) {
            error = message_of(jit.takeError());
            return nullptr;
        }
        auto backend =
            std::unique_ptr<LlvmBackend>(new LlvmBackend(std::move(*machine), std::move(*jit)));
        if (auto e = backend->define_runtime(runtime)) {
            error = message_of(std::move(e));
            return nullptr;
        }
        return backend;
    }

    Result<std::vector<uint8_t>> compile(const NativeCompileInput& input) override {
        std::lock_guard guard(lock_); // one TargetMachine, used by one compile at a time
        llvm::LLVMContext context;
        ModuleTranslator translator(context, input, machine_->getTargetTriple().str(),
                                    machine_->createDataLayout());
        auto module = translator.translate();
        if (!module) return module.error();
        optimize(*module.value());
        llvm::SmallVector<char, 0> object;
        llvm::raw_svector_ostream out(object);
        llvm::legacy::PassManager emit;
        if (machine_->addPassesToEmitFile(emit, out, nullptr, llvm::CodeGenFileType::ObjectFile))
            return Error{"the native tier cannot emit object code for this machine"};
        // For work on the tier: TYCHO_NATIVE_DUMP=DIR keeps each module's optimized IR and
        // its object code there (code from the cache is not compiled, so not dumped).
        const char* dump_dir = std::getenv("TYCHO_NATIVE_DUMP");
        std::string optimized_ir;
        if (dump_dir != nullptr) llvm::raw_string_ostream(optimized_ir) << *module.value();
        emit.run(*module.value());
        if (dump_dir != nullptr) dump(dump_dir, optimized_ir, object);
        return std::vector<uint8_t>(object.begin(), object.end());
    }

    Result<std::unique_ptr<NativeCode>> load(std::span<const uint8_t> object,
                                             uint32_t num_defined_funcs) override {
        std::lock_guard guard(lock_);
        const std::string name = "module" + std::to_string(next_dylib_++);
        auto dylib = jit_->createJITDylib(name);
        if (!dylib) return Error{message_of(dylib.takeError())};
        dylib->addToLinkOrder(jit_->getMainJITDylib());
        auto buffer = llvm::MemoryBuffer::getMemBufferCopy(
            llvm::StringRef(reinterpret_cast<const char*>(object.data()), object.size()), name);
        auto fail = [&](llvm::Error e) -> Result<std::unique_ptr<NativeCode>> {
            const std::string why = message_of(std::move(e));
            llvm::consumeError(jit_->getExecutionSession().removeJITDylib(*dylib));
            return Error{"cannot link native code: " + why};
        };
        if (auto e = jit_->addObjectFile(*dylib, std::move(buffer))) return fail(std::move(e));
        llvm::orc::SymbolLookupSet names;
        for (uint32_t i = 0; i < num_defined_funcs; ++i)
            names.add(jit_->mangleAndIntern(entry_symbol(i)));
        auto found = jit_->getExecutionSession().lookup(llvm::orc::makeJITDylibSearchOrder(&*dylib),
                                                        std::move(names));
        if (!found) return fail(found.takeError());
        std::vector<NativeEntry> entries(num_defined_funcs);
        for (uint32_t i = 0; i < num_defined_funcs; ++i)
            entries[i] =
                (*found)[jit_->mangleAndIntern(entry_symbol(i))].getAddress().toPtr<NativeEntry>();
        return std::unique_ptr<NativeCode>(
            std::make_unique<LoadedCode>(*jit_, *dylib, std::move(entries)));
    }

    std::string target_id() const override {
        return machine_->getTargetTriple().str() + "/" + machine_->getTargetCPU().str() + "/" +
               machine_->getTargetFeatureString().str();
    }

  private:
    static void dump(const char* dir, const std::string& ir, llvm::ArrayRef<char> object) {
        static std::atomic<unsigned> modules{0};
        const std::string stem = std::string(dir) + "/tycho-native-" + std::to_string(getpid()) +
                                 "-" + std::to_string(modules++);
        auto write = [&](const std::string& path, llvm::StringRef bytes) {
            std::error_code error;
            llvm::raw_fd_ostream out(path, error, llvm::sys::fs::OF_None);
            if (!error) out << bytes;
            if (error || out.has_error())
                llvm::errs() << "TYCHO_NATIVE_DUMP: cannot write " << path << "\n";
        };
        write(stem + ".ll", ir);
        write(stem + ".o", llvm::StringRef(object.data(), object.size()));
    }

    LlvmBackend(std::unique_ptr<llvm::TargetMachine> machine, std::unique_ptr<llvm::orc::LLJIT> jit)
        : machine_(std::move(machine)), jit_(std::move(jit)) {}

    // Binds the engine functions (and the C library, for what code generation may call:
    // memcpy, memset) to the names generated code uses.
    llvm::Error define_runtime(const NativeRuntime& runtime) {
        const void* addresses[] = {reinterpret_cast<const void*>(runtime.budget_spent),
                                   reinterpret_cast<const void*>(runtime.unwind),
                                   reinterpret_cast<const void*>(runtime.call_import),
                                   reinterpret_cast<const void*>(runtime.call_ref),
                                   reinterpret_cast<const void*>(runtime.rare_op)};
        static_assert(std::size(addresses) == size_t(RuntimeFn::Count));
        llvm::orc::SymbolMap symbols;
        for (size_t i = 0; i < size_t(RuntimeFn::Count); ++i)
            symbols[jit_->mangleAndIntern(kRuntimeSymbols[i])] = {
                llvm::orc::ExecutorAddr::fromPtr(addresses[i]),
                llvm::JITSymbolFlags::Exported | llvm::JITSymbolFlags::Callable};
        llvm::orc::JITDylib& main = jit_->getMainJITDylib();
        if (auto e = main.define(llvm::orc::absoluteSymbols(std::move(symbols)))) return e;
        auto process = llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
            jit_->getDataLayout().getGlobalPrefix());
        if (!process) return process.takeError();
        main.addGenerator(std::move(*process));
        return llvm::Error::success();
    }

    void optimize(llvm::Module& module) {
        llvm::LoopAnalysisManager loops;
        llvm::FunctionAnalysisManager functions;
        llvm::CGSCCAnalysisManager cgscc;
        llvm::ModuleAnalysisManager modules;
        llvm::PassBuilder builder(machine_.get());
        builder.registerModuleAnalyses(modules);
        builder.registerCGSCCAnalyses(cgscc);
        builder.registerFunctionAnalyses(functions);
        builder.registerLoopAnalyses(loops);
        builder.crossRegisterProxies(loops, functions, cgscc, modules);
        // Before the vectorizer and the unroller: loops the budget covers lose their test.
        builder.registerVectorizerStartEPCallback(
            [](llvm::FunctionPassManager& passes, llvm::OptimizationLevel) {
                passes.addPass(LoopVersioningPass());
                passes.addPass(llvm::InstSimplifyPass());
                passes.addPass(llvm::SimplifyCFGPass());
            });
        llvm::ModulePassManager pipeline =
            builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2);
        pipeline.run(module, modules);
        resolve_quieting(module);
    }

    std::mutex lock_;
    std::unique_ptr<llvm::TargetMachine> machine_;
    std::unique_ptr<llvm::orc::LLJIT> jit_;
    uint64_t next_dylib_ = 0;
};

} // namespace

} // namespace tycho::wasm::detail::jit

extern "C" __attribute__((visibility("default"))) tycho::wasm::detail::NativeBackend*
tycho_native_backend(uint32_t abi, const tycho::wasm::detail::NativeRuntime* runtime,
                     std::string* error) {
    using tycho::wasm::detail::kNativeTierAbi;
    if (abi != kNativeTierAbi) {
        *error = "it speaks version " + std::to_string(kNativeTierAbi) +
                 " of the engine's interface, not " + std::to_string(abi) +
                 " (a plugin from another build)";
        return nullptr;
    }
    // Never destroyed: code it linked may run until the process ends, and the engine's
    // background compiler may use it while exit handlers run.
    static std::mutex lock;
    static tycho::wasm::detail::jit::LlvmBackend* backend = nullptr;
    std::lock_guard guard(lock);
    if (backend == nullptr)
        backend = tycho::wasm::detail::jit::LlvmBackend::create(*runtime, *error).release();
    return backend;
}
