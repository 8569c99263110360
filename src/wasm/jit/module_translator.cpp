#include "module_translator.h"

#include "function_translator.h"

#include "function_body_decoder.h"

#include <llvm/IR/Verifier.h>
#include <llvm/Support/raw_ostream.h>

#include <algorithm>

namespace tycho::wasm::detail::jit {

std::string entry_symbol(uint32_t defined_index) {
    return "tycho_entry_" + std::to_string(defined_index);
}

ModuleTranslator::ModuleTranslator(llvm::LLVMContext& llvm, const NativeCompileInput& input,
                                   const std::string& target_triple, const llvm::DataLayout& layout)
    : llvm_(llvm), input_(input), module_(std::make_unique<llvm::Module>("wasm", llvm)) {
    module_->setTargetTriple(target_triple);
    module_->setDataLayout(layout);
    stack_register_ = llvm::StringRef(target_triple).starts_with("aarch64") ? "sp" : "rsp";

    llvm::MDBuilder md(llvm_);
    tbaa_root_ = md.createTBAARoot("tycho");
    tbaa_memory_ =
        md.createTBAAStructTagNode(md.createTBAAScalarTypeNode("linear memory", tbaa_root_),
                                   md.createTBAAScalarTypeNode("linear memory", tbaa_root_), 0);
    unlikely_ = md.createBranchWeights(1, 1 << 20);

    auto* ptr = llvm::PointerType::get(llvm_, 0);
    auto* i32 = llvm::Type::getInt32Ty(llvm_);
    auto declare = [&](RuntimeFn fn, std::initializer_list<llvm::Type*> params) {
        auto* type = llvm::FunctionType::get(i32, params, false);
        runtime_[size_t(fn)] = module_->getOrInsertFunction(kRuntimeSymbols[size_t(fn)], type);
        if (auto* f = llvm::dyn_cast<llvm::Function>(runtime_[size_t(fn)].getCallee()))
            f->addFnAttr(llvm::Attribute::NoUnwind);
    };
    declare(RuntimeFn::BudgetSpent, {ptr});
    declare(RuntimeFn::Unwind, {ptr, ptr, i32, i32});
    declare(RuntimeFn::CallImport, {ptr, ptr, ptr, i32});
    declare(RuntimeFn::CallRef, {ptr, ptr, ptr, ptr});
    declare(RuntimeFn::RareOp, {ptr, i32, i32, i32, ptr});
}

llvm::MDNode* ModuleTranslator::tbaa_engine(const char* what) {
    for (auto& [name, node] : tbaa_engine_)
        if (name == what) return node;
    llvm::MDBuilder md(llvm_);
    auto* type = md.createTBAAScalarTypeNode(what, tbaa_root_);
    auto* tag = md.createTBAAStructTagNode(type, type, 0);
    tbaa_engine_.emplace_back(what, tag);
    return tag;
}

llvm::Type* ModuleTranslator::value_type(ValType t) {
    switch (t) {
    case ValType::I32: return llvm::Type::getInt32Ty(llvm_);
    case ValType::F32: return llvm::Type::getFloatTy(llvm_);
    case ValType::F64: return llvm::Type::getDoubleTy(llvm_);
    default: // i64 and references (RefBits)
        return llvm::Type::getInt64Ty(llvm_);
    }
}

llvm::StructType* ModuleTranslator::result_type(const FuncType& t) {
    std::vector<llvm::Type*> fields{llvm::Type::getInt32Ty(llvm_), llvm::Type::getInt64Ty(llvm_)};
    for (ValType r : t.results)
        fields.push_back(value_type(r));
    return llvm::StructType::get(llvm_, fields);
}

llvm::FunctionType* ModuleTranslator::body_type(const FuncType& t) {
    auto* ptr = llvm::PointerType::get(llvm_, 0);
    std::vector<llvm::Type*> params{ptr, ptr, ptr, llvm::Type::getInt64Ty(llvm_)};
    for (ValType p : t.params)
        params.push_back(value_type(p));
    return llvm::FunctionType::get(result_type(t), params, false);
}

llvm::FunctionCallee ModuleTranslator::runtime(RuntimeFn fn) {
    return runtime_[size_t(fn)];
}

void ModuleTranslator::declare_bodies() {
    const ModuleInfo& m = info();
    bodies_.reserve(m.num_defined_funcs());
    std::vector<llvm::Constant*> table;
    for (uint32_t i = 0; i < m.num_defined_funcs(); ++i) {
        auto* f = llvm::Function::Create(body_type(m.func_type(imports() + i)),
                                         llvm::GlobalValue::InternalLinkage,
                                         "wasm_" + std::to_string(imports() + i), *module_);
        f->setCallingConv(llvm::CallingConv::Fast);
        f->addFnAttr(llvm::Attribute::NoUnwind);
        for (unsigned a = 0; a < 3; ++a)
            f->addParamAttr(a, llvm::Attribute::NoAlias);
        bodies_.push_back(f);
        table.push_back(f);
    }
    auto* ptr = llvm::PointerType::get(llvm_, 0);
    auto* type = llvm::ArrayType::get(ptr, table.size());
    body_table_ = new llvm::GlobalVariable(*module_, type, true, llvm::GlobalValue::InternalLinkage,
                                           llvm::ConstantArray::get(type, table), "wasm_bodies");
}

// The entry reads the arguments from their slots, runs the body with the value stack free
// above the frame, and writes the results back to the slots.
void ModuleTranslator::define_entry(uint32_t defined_index) {
    const FuncType& type = info().func_type(imports() + defined_index);
    auto* ptr = llvm::PointerType::get(llvm_, 0);
    auto* i8 = llvm::Type::getInt8Ty(llvm_);
    auto* i64 = llvm::Type::getInt64Ty(llvm_);
    auto* fn_type = llvm::FunctionType::get(i8, {ptr, ptr, ptr}, false);
    auto* f = llvm::Function::Create(fn_type, llvm::GlobalValue::ExternalLinkage,
                                     entry_symbol(defined_index), *module_);
    f->addRetAttr(llvm::Attribute::ZExt);
    f->addFnAttr(llvm::Attribute::NoUnwind);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(llvm_, "entry", f));
    llvm::Value* fp = f->getArg(0);
    std::vector<llvm::Value*> args{f->getArg(2), f->getArg(1)};
    const size_t frame = std::max(type.params.size(), type.results.size());
    args.push_back(b.CreateConstInBoundsGEP1_64(i64, fp, frame));
    static_assert(offsetof(ContextLayout, budget) == 0);
    auto* budget = b.CreateLoad(i64, f->getArg(2));
    budget->setMetadata(llvm::LLVMContext::MD_tbaa, tbaa_engine("budget"));
    args.push_back(budget);
    for (size_t i = 0; i < type.params.size(); ++i) {
        llvm::Value* slot = b.CreateLoad(i64, b.CreateConstInBoundsGEP1_64(i64, fp, i));
        llvm::Type* t = value_type(type.params[i]);
        if (t->isIntegerTy(32))
            slot = b.CreateTrunc(slot, t);
        else if (t->isFloatTy())
            slot = b.CreateBitCast(b.CreateTrunc(slot, b.getInt32Ty()), t);
        else if (t->isDoubleTy())
            slot = b.CreateBitCast(slot, t);
        args.push_back(slot);
    }
    llvm::CallInst* call = b.CreateCall(body(imports() + defined_index), args);
    call->setCallingConv(llvm::CallingConv::Fast);
    b.CreateStore(b.CreateExtractValue(call, kBodyBudget), f->getArg(2))
        ->setMetadata(llvm::LLVMContext::MD_tbaa, tbaa_engine("budget"));
    llvm::Value* status = b.CreateExtractValue(call, kBodyStatus);
    auto* done = llvm::BasicBlock::Create(llvm_, "done", f);
    auto* failed = llvm::BasicBlock::Create(llvm_, "failed", f);
    b.CreateCondBr(b.CreateICmpEQ(status, b.getInt32(0)), done, failed);
    b.SetInsertPoint(failed);
    b.CreateRet(b.CreateTrunc(status, i8));
    b.SetInsertPoint(done);
    for (size_t i = 0; i < type.results.size(); ++i) {
        llvm::Value* v = b.CreateExtractValue(call, unsigned(kBodyResults + i));
        if (v->getType()->isIntegerTy(32))
            v = b.CreateZExt(v, i64);
        else if (v->getType()->isFloatTy())
            v = b.CreateZExt(b.CreateBitCast(v, b.getInt32Ty()), i64);
        else if (v->getType()->isDoubleTy())
            v = b.CreateBitCast(v, i64);
        b.CreateStore(v, b.CreateConstInBoundsGEP1_64(i64, fp, i));
    }
    b.CreateRet(b.getInt8(0));
}

Result<std::unique_ptr<llvm::Module>> ModuleTranslator::translate() {
    const ModuleInfo& m = info();
    declare_bodies();
    const BodyContext body_ctx{m, input_.declared_refs};
    for (uint32_t i = 0; i < m.num_defined_funcs(); ++i) {
        const uint32_t func_index = imports() + i;
        FunctionTranslator translator(*this, func_index);
        FunctionBodyDecoder<FunctionTranslator> decoder(body_ctx, func_index, translator);
        if (auto ok = decoder.decode(); !ok)
            return Error{"function " + std::to_string(func_index) + ": " + ok.error().message};
        define_entry(i);
    }
    std::string problems;
    llvm::raw_string_ostream out(problems);
    if (llvm::verifyModule(*module_, &out))
        return Error{"the native tier generated invalid code: " + out.str().substr(0, 2000)};
    return std::move(module_);
}

} // namespace tycho::wasm::detail::jit
