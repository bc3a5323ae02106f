// Internal: the stream of rows behind QuerySet::iterator() (quarry/queryset.hpp). Not a
// contract: applications name it only through iterator()'s return type (auto).
#pragma once

#include <cstddef>
#include <iterator>
#include <memory>
#include <utility>
#include <vector>

#include "quarry/detail/query_ops.hpp"
#include "quarry/errors.hpp"

namespace quarry {

namespace detail {

// The rows of a query as they stream from the server (iterator()): at most chunk_size
// of them exist at a time, so memory does not grow with the result. Single pass; the
// connection is held, and busy, until the rows run out or the stream is dropped.
template <class RowT, class Reader>
class RowStream {
 public:
  RowStream(std::shared_ptr<const Query> q, std::size_t chunk_size)
      : q_(std::move(q)), chunk_size_(chunk_size > 0 ? chunk_size : 1) {}
  RowStream(RowStream&&) = default;
  RowStream& operator=(RowStream&&) = default;

  class Iterator {
   public:
    using value_type = RowT;
    using difference_type = std::ptrdiff_t;
    using reference = RowT&;
    Iterator() = default;
    RowT& operator*() const { return s_->chunk_[s_->pos_]; }
    RowT* operator->() const { return &s_->chunk_[s_->pos_]; }
    Iterator& operator++() {
      s_->advance();
      return *this;
    }
    void operator++(int) { s_->advance(); }
    friend bool operator==(const Iterator& it, std::default_sentinel_t) { return it.at_end(); }

   private:
    friend class RowStream;
    explicit Iterator(RowStream* s) : s_(s) {}
    bool at_end() const { return s_->done_; }
    RowStream* s_ = nullptr;
  };

  Iterator begin() {
    if (started_) throw ProgrammingError("iterator() gives its rows once; call it again to rerun");
    started_ = true;
    if (is_none(*q_)) {
      done_ = true;
    } else {
      cursor_ = std::make_unique<Cursor>(*q_, /*stream=*/true);
      fill();
    }
    return Iterator(this);
  }
  std::default_sentinel_t end() { return {}; }

 private:
  // The next chunk of rows, read into the objects of the last one.
  void fill() {
    n_ = pos_ = 0;
    while (n_ < chunk_size_ && cursor_->next()) {
      if (chunk_.size() <= n_) chunk_.emplace_back();
      chunk_[n_] = RowT{};  // nothing of the previous row survives (a deferred field)
      Reader::read_row(*cursor_, chunk_[n_]);
      ++n_;
    }
    if (n_ == 0) {
      done_ = true;
      cursor_.reset();  // the connection goes back now, not when the stream is dropped
    } else if (has_prefetch(*q_)) {
      // Each chunk's prefetches, as Django's iterator(chunk_size) does; the stream's
      // own connection is busy, so they run on another.
      Reader::after_fetch(*q_, chunk_.data(), n_);
    }
  }
  void advance() {
    if (++pos_ >= n_) fill();
  }

  std::shared_ptr<const Query> q_;
  std::size_t chunk_size_;
  std::unique_ptr<Cursor> cursor_;
  std::vector<RowT> chunk_;
  std::size_t n_ = 0, pos_ = 0;
  bool started_ = false, done_ = false;
};

}  // namespace detail

}  // namespace quarry
