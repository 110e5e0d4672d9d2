#include "results/decompress.h"

#include <zlib.h>
#include <zstd.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

namespace aihunt::results {
namespace {

// RFC 1952 §2.3.1 (gzip) and RFC 8878 §3.1.1 (zstd frame) magic numbers.
constexpr std::array<unsigned char, 2> kGzipMagic = {0x1f, 0x8b};
constexpr std::array<unsigned char, 4> kZstdMagic = {0x28, 0xb5, 0x2f, 0xfd};

// What is not read, by its first bytes, and what to do instead: said as such rather than as
// text that is not UTF-8 (a newcomer's trial).
struct Unread {
  std::string_view magic;
  std::string_view what;
};
constexpr Unread kUnread[] = {
    {"BZh", "bzip2-compressed: decompress it first (bzcat FILE > events.jsonl)"},
    {"\xFD"
     "7zX",
     "xz-compressed: decompress it first (xzcat FILE > events.jsonl)"},
    {"PK\x03\x04", "a zip archive: extract the file from it first (unzip FILE)"},
    {"\xFF\xFE", "UTF-16 text: convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8 FILE)"},
    {"\xFE\xFF", "UTF-16 text: convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8 FILE)"},
};
constexpr std::size_t kInputChunk = 256U << 10;

core::Error corrupt(std::string_view format, std::string_view why) {
  return core::makeError(
      core::ErrorCode::kParse,
      std::string(format) + " input is corrupt or truncated: " + std::string(why));
}

// The bytes read to recognise the format, then the rest of the source.
class Prefixed {
 public:
  Prefixed(std::unique_ptr<ByteSource> source, std::string prefix)
      : source_(std::move(source)), prefix_(std::move(prefix)) {}

  core::Result<std::size_t> read(std::span<char> buffer) {
    if (at_ < prefix_.size()) {
      const std::size_t count = std::min(buffer.size(), prefix_.size() - at_);
      std::memcpy(buffer.data(), prefix_.data() + at_, count);
      at_ += count;
      return count;
    }
    return source_->read(buffer);
  }

 private:
  std::unique_ptr<ByteSource> source_;
  std::string prefix_;
  std::size_t at_ = 0;
};

class PlainSource final : public ByteSource {
 public:
  explicit PlainSource(Prefixed input) : input_(std::move(input)) {}
  core::Result<std::size_t> read(std::span<char> buffer) override { return input_.read(buffer); }

 private:
  Prefixed input_;
};

class GzipSource final : public ByteSource {
 public:
  explicit GzipSource(Prefixed input) : input_(std::move(input)), in_(kInputChunk) {
    // 16 + MAX_WBITS: a gzip wrapper, not a raw zlib stream.
    ready_ = inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK;
  }
  ~GzipSource() override {
    if (ready_) inflateEnd(&stream_);
  }
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  core::Result<std::size_t> read(std::span<char> buffer) override {
    if (!ready_) return corrupt("gzip", "zlib could not start");
    if (buffer.empty()) return std::size_t{0};
    const auto wanted = static_cast<uInt>(std::min<std::size_t>(buffer.size(), 1U << 30));
    stream_.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream_.avail_out = wanted;
    while (stream_.avail_out == wanted) {  // until some output, or the end
      if (stream_.avail_in == 0 && !eof_) {
        auto got = input_.read(in_);
        if (!got.ok()) return got.error();
        eof_ = got.value() == 0;
        stream_.next_in = reinterpret_cast<Bytef*>(in_.data());
        stream_.avail_in = static_cast<uInt>(got.value());
      }
      if (stream_.avail_in == 0 && eof_) {
        if (!member_open_) return std::size_t{0};
        return corrupt("gzip", "the stream ends inside a member");
      }
      member_open_ = true;
      const int rc = inflate(&stream_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        // Concatenated members (`cat a.gz b.gz`) are one stream to gzip(1): go on.
        member_open_ = false;
        if (inflateReset(&stream_) != Z_OK) return corrupt("gzip", "zlib could not restart");
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return corrupt("gzip", stream_.msg != nullptr ? stream_.msg : "inflate failed");
      }
    }
    return std::size_t{wanted - stream_.avail_out};
  }

 private:
  Prefixed input_;
  std::vector<char> in_;
  z_stream stream_{};
  bool ready_ = false;
  bool eof_ = false;
  bool member_open_ = false;
};

class ZstdSource final : public ByteSource {
 public:
  explicit ZstdSource(Prefixed input)
      : input_(std::move(input)), in_(ZSTD_DStreamInSize()), stream_(ZSTD_createDStream()) {}
  ~ZstdSource() override { ZSTD_freeDStream(stream_); }
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;

  core::Result<std::size_t> read(std::span<char> buffer) override {
    if (stream_ == nullptr) return corrupt("zstd", "zstd could not start");
    ZSTD_outBuffer out{buffer.data(), buffer.size(), 0};
    while (out.pos == 0 && !buffer.empty()) {
      if (in_buf_.pos == in_buf_.size && !eof_) {
        auto got = input_.read(in_);
        if (!got.ok()) return got.error();
        eof_ = got.value() == 0;
        in_buf_ = ZSTD_inBuffer{in_.data(), got.value(), 0};
      }
      if (in_buf_.pos == in_buf_.size && eof_) {
        // 0 from the last call means a frame ended exactly there.
        if (frame_done_) return std::size_t{0};
        return corrupt("zstd", "the stream ends inside a frame");
      }
      const std::size_t rc = ZSTD_decompressStream(stream_, &out, &in_buf_);
      if (ZSTD_isError(rc) != 0U) return corrupt("zstd", ZSTD_getErrorName(rc));
      frame_done_ = rc == 0;
    }
    return out.pos;
  }

 private:
  Prefixed input_;
  std::vector<char> in_;
  ZSTD_inBuffer in_buf_{nullptr, 0, 0};
  ZSTD_DStream* stream_;
  bool eof_ = false;
  bool frame_done_ = false;
};

bool startsWith(std::string_view bytes, const auto& magic) {
  return bytes.size() >= magic.size() && std::memcmp(bytes.data(), magic.data(), magic.size()) == 0;
}

}  // namespace

core::Result<std::unique_ptr<ByteSource>> decompressing(std::unique_ptr<ByteSource> source,
                                                        Compression* found) {
  std::string prefix(kZstdMagic.size(), '\0');
  std::size_t have = 0;
  while (have < prefix.size()) {  // a pipe may deliver fewer bytes than asked
    auto got = source->read(std::span<char>(prefix.data() + have, prefix.size() - have));
    if (!got.ok()) return got.error();
    if (got.value() == 0) break;
    have += got.value();
  }
  prefix.resize(have);
  Compression kind = Compression::kNone;
  if (startsWith(prefix, kGzipMagic)) kind = Compression::kGzip;
  if (startsWith(prefix, kZstdMagic)) kind = Compression::kZstd;
  for (const Unread& unread : kUnread) {
    if (std::string_view(prefix).starts_with(unread.magic)) {
      return core::makeError(core::ErrorCode::kParse,
                             "the file is " + std::string(unread.what) +
                                 "; aihunt reads plain, gzip or zstd JSON Lines as they are");
    }
  }
  if (found != nullptr) *found = kind;
  Prefixed input(std::move(source), std::move(prefix));
  switch (kind) {
    case Compression::kGzip:
      return std::unique_ptr<ByteSource>(new GzipSource(std::move(input)));
    case Compression::kZstd:
      return std::unique_ptr<ByteSource>(new ZstdSource(std::move(input)));
    case Compression::kNone:
      break;
  }
  return std::unique_ptr<ByteSource>(new PlainSource(std::move(input)));
}

}  // namespace aihunt::results
