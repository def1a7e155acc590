// Intrusive reference to a cache object: one pointer, the count lives in the object itself.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace candela::cache {

class CacheObject;

// A counted reference to a T that has add_ref() and release() (release frees T when the count
// reaches zero). Unlike shared_ptr there is no separate control block, so a cached object is
// one allocation, and copying a reference is one atomic increment.
template <typename T>
class Ref {
 public:
  Ref() noexcept = default;
  Ref(std::nullptr_t) noexcept {}  // NOLINT: implicit like a null pointer
  // Takes a new reference to p.
  explicit Ref(T* p) noexcept : p_(p) {
    if (p_) p_->add_ref();
  }
  // Takes over a reference the caller already counted (what CacheObject::create returns).
  static Ref adopt(T* p) noexcept {
    Ref r;
    r.p_ = p;
    return r;
  }

  Ref(const Ref& other) noexcept : Ref(other.p_) {}
  Ref(Ref&& other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U*, T*>>>
  Ref(const Ref<U>& other) noexcept : Ref(other.get()) {}  // NOLINT: like shared_ptr
  template <typename U, typename = std::enable_if_t<std::is_convertible_v<U*, T*>>>
  Ref(Ref<U>&& other) noexcept : p_(other.release_ownership()) {}  // NOLINT: like shared_ptr

  Ref& operator=(Ref other) noexcept {
    std::swap(p_, other.p_);
    return *this;
  }
  ~Ref() {
    if (p_) p_->release();
  }

  T* get() const noexcept { return p_; }
  T* operator->() const noexcept { return p_; }
  T& operator*() const noexcept { return *p_; }
  explicit operator bool() const noexcept { return p_ != nullptr; }
  void reset() noexcept { Ref().swap(*this); }
  void swap(Ref& other) noexcept { std::swap(p_, other.p_); }

  // Gives up the reference without releasing it (the caller now owns the count).
  T* release_ownership() noexcept { return std::exchange(p_, nullptr); }

  template <typename U>
  bool operator==(const Ref<U>& other) const noexcept {
    return p_ == other.get();
  }
  bool operator==(std::nullptr_t) const noexcept { return p_ == nullptr; }

 private:
  T* p_ = nullptr;
};

using ObjectRef = Ref<CacheObject>;
using ConstObjectRef = Ref<const CacheObject>;

}  // namespace candela::cache
