#include "http/http_server.hpp"

#include "http/dispatcher.hpp"
#include "http/proxies.hpp"
#include "http/upload_body.hpp"

#include <openssl/ssl.h>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

namespace linkhub::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using error_code = boost::system::error_code;

// Past this an over-limit body is not worth reading after the answer (so the
// client sees the answer instead of a reset).
constexpr size_t kLingerBytes = size_t{16} << 20;
constexpr auto kLingerTime = std::chrono::seconds(2);
// How much of a body from a source (an artifact) one connection holds at a time.
constexpr size_t kPiece = size_t{256} << 10;

std::string peer_address(const tcp::socket& socket) {
  error_code ec;
  auto address = socket.remote_endpoint(ec).address();
  if (ec) {
    return "";
  }
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

// Beast's own parse errors (as opposed to the transport's).
bool parse_error(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::header_limit).category();
}

bool system_route(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

std::string chunk(const std::string& data) {
  char size[20];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

class SessionBase;

// What the listeners and every connection share.
struct Shared {
  Services& services;
  const HttpServerOptions& options;
  Dispatcher dispatcher;
  TrustedProxies proxies;
  asio::thread_pool& workers;
  asio::thread_pool& system;
  std::atomic<bool> stopping{false};
  std::mutex mutex;
  std::condition_variable gone;
  uint64_t next_id = 0;
  std::map<uint64_t, std::weak_ptr<SessionBase>> sessions;  // every open connection

  size_t open() {
    std::lock_guard lock(mutex);
    return sessions.size();
  }
};

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  explicit SessionBase(Shared& shared) : shared_(shared) {}
  virtual ~SessionBase() {
    std::lock_guard lock(shared_.mutex);
    shared_.sessions.erase(id_);
    shared_.gone.notify_all();
  }
  SessionBase(const SessionBase&) = delete;
  SessionBase& operator=(const SessionBase&) = delete;

  void enroll() {
    std::lock_guard lock(shared_.mutex);
    id_ = ++shared_.next_id;
    shared_.sessions.emplace(id_, weak_from_this());
  }
  virtual void start() = 0;
  // Server shutdown: idle connections close, streams say goodbye, answers in progress finish.
  virtual void shutdown() = 0;
  // Past the shutdown's grace: whatever it is doing.
  virtual void force_close() = 0;

 protected:
  Shared& shared_;
  uint64_t id_ = 0;
};

template <class Stream>
class Session final : public SessionBase {
 public:
  Session(Shared& shared, Stream stream, bool tls)
      : SessionBase(shared), stream_(std::move(stream)), timer_(stream_.get_executor()), tls_(tls) {
    peer_ = peer_address(beast::get_lowest_layer(stream_).socket());
  }

  void start() override {
    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.expires_after(shared_.options.header_timeout);
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      wait_for_request(shared_.options.header_timeout);
    } else {
      stream_.async_handshake(asio::ssl::stream_base::server, [self = self()](error_code ec) {
        if (ec) {
          return self->close();
        }
        self->wait_for_request(self->shared_.options.header_timeout);
      });
    }
  }

  void force_close() override {
    asio::post(stream_.get_executor(), [self = self()] { self->close(); });
  }

  void shutdown() override {
    asio::post(stream_.get_executor(), [self = self()] {
      if (self->state_ == State::Idle || self->state_ == State::Reading) {
        self->close();
      } else if (self->state_ == State::Streaming) {
        self->stream_closing();
      }
    });
  }

 private:
  enum class State { Idle, Reading, Handling, Writing, Streaming, Closed };

  std::shared_ptr<Session> self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  const HttpServerOptions& options() const { return shared_.options; }

  // Idle until the first byte of the next request; the header timeout runs from there.
  void wait_for_request(std::chrono::milliseconds idle) {
    if (shared_.stopping) {
      return close();
    }
    state_ = State::Idle;
    if (buffer_.size() > 0) {
      return read_header();  // pipelined: already here
    }
    beast::get_lowest_layer(stream_).expires_after(idle);
    stream_.async_read_some(buffer_.prepare(4096), [self = self()](error_code ec, size_t n) {
      if (ec) {
        return self->close();
      }
      self->buffer_.commit(n);
      self->read_header();
    });
  }

  void read_header() {
    state_ = State::Reading;
    file_parser_.reset();
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options().max_header_bytes + options().max_url_bytes));
    // Checked against Content-Length below, and set before the body is read. (Not boost::none: Boost
    // 1.74's parser compares a length with the empty optional and refuses every body.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::get_lowest_layer(stream_).expires_after(options().header_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = self()](error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(error_code ec) {
    if (ec == bhttp::error::header_limit) {
      // The parser takes the request line as soon as it is complete: without a target, the line was too long.
      return refuse(parser_->get().target().empty() ? uri_too_long() : headers_too_large(),
                    std::string(parser_->get().method_string()));
    }
    if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
        (ec && !parse_error(ec))) {
      return close();  // slow, gone or broken at the transport: nobody to answer
    }
    if (ec) {
      return refuse(bad_request("bad_request", "the request is not valid HTTP/1.1 (" + ec.message() + ")"), "");
    }
    auto& req = parser_->get();
    in_ = Incoming{};
    in_.method = std::string(req.method_string());
    in_.target = std::string(req.target());
    in_.peer = peer_;
    in_.tls = tls_;
    size_t header_bytes = 0;
    std::vector<std::string> forwarded;
    for (const auto& field : req) {
      in_.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      header_bytes += field.name_string().size() + field.value().size() + 4;
      if (beast::iequals(field.name_string(), "X-Forwarded-For")) {
        forwarded.emplace_back(field.value());
      }
    }
    in_.client = shared_.proxies.empty() ? peer_ : shared_.proxies.client(peer_, forwarded);
    if (in_.target.size() > options().max_url_bytes) {
      return refuse(uri_too_long(), in_.method);
    }
    if (header_bytes > options().max_header_bytes) {
      return refuse(headers_too_large(), in_.method);
    }
    if (shared_.dispatcher.wants_file_body(in_)) {
      return admit_upload();
    }
    const size_t max_body = shared_.services.limits.max_body_bytes;
    if (auto length = parser_->content_length(); length && *length > max_body) {
      in_.body_state = Incoming::BodyState::TooLarge;  // refused before reading a byte of it
      unread_body_ = true;
      return dispatch();
    }
    if (parser_->is_done()) {
      return dispatch();
    }
    parser_->body_limit(max_body);
    auto read_body = [self = self()] {
      beast::get_lowest_layer(self->stream_).expires_after(self->options().body_timeout);
      bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                        [self](error_code ec, size_t) { self->on_body(ec); });
    };
    if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue), [self = self(), read_body](error_code ec, size_t) {
        if (ec) {
          return self->close();
        }
        read_body();
      });
      return;
    }
    read_body();
  }

  // ---- Bodies that go to a file (uploads): admitted first, on a worker
  // (authentication may read the database), then streamed to disk as they
  // arrive, so neither an unauthorised sender nor a large file costs memory.

  void admit_upload() {
    state_ = State::Handling;
    beast::get_lowest_layer(stream_).expires_never();
    asio::post(shared_.workers, [self = self()] {
      auto refusal = self->shared_.dispatcher.admit(self->in_);
      asio::post(self->stream_.get_executor(), [self, refusal = std::move(refusal)]() mutable {
        if (self->state_ == State::Closed) {
          return;
        }
        if (refusal) {
          self->unread_body_ = !self->parser_->is_done();
          self->keep_alive_ = false;
          return self->answer(std::move(*refusal));
        }
        self->read_upload();
      });
    });
  }

  void read_upload() {
    UploadBody& upload = *in_.upload;
    if (auto length = parser_->content_length(); length && *length > upload.limit_bytes) {
      in_.body_state = Incoming::BodyState::TooLarge;  // refused before reading a byte of it
      unread_body_ = true;
      return dispatch();
    }
    if (parser_->is_done()) {
      return dispatch();  // no body: the handler says so
    }
    auto file = std::make_unique<TempFile>(new_upload_path(upload_temp_dir(shared_.services.artifacts->root())));
    file_parser_.emplace(std::move(*parser_));
    file_parser_->body_limit(upload.limit_bytes);
    error_code ec;
    file_parser_->get().body().open(file->path().c_str(), beast::file_mode::write_new, ec);
    if (ec) {
      shared_.services.log.write("error", "upload.temp_file",
                                 Json{{"path", file->path().string()}, {"error", ec.message()}});
      in_.upload.reset();
      unread_body_ = true;
      keep_alive_ = false;
      return answer(shared_.dispatcher.reject(internal_error("the server cannot store uploads at the moment"),
                                              in_.method, in_.client));
    }
    upload.file = std::move(file);
    state_ = State::Reading;  // as any body: a shutdown or a timeout closes the connection (and removes the file)
    auto read_body = [self = self()] {
      beast::get_lowest_layer(self->stream_).expires_after(self->options().body_timeout);
      bhttp::async_read(self->stream_, self->buffer_, *self->file_parser_,
                        [self](error_code ec, size_t) { self->on_upload_body(ec); });
    };
    if (beast::iequals(file_parser_->get()[bhttp::field::expect], "100-continue")) {
      static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      asio::async_write(stream_, asio::buffer(kContinue), [self = self(), read_body](error_code ec, size_t) {
        if (ec) {
          return self->close();
        }
        read_body();
      });
      return;
    }
    read_body();
  }

  void on_upload_body(error_code ec) {
    file_parser_->get().body().close();
    if (ec == bhttp::error::body_limit) {
      in_.body_state = Incoming::BodyState::TooLarge;
      in_.upload->file.reset();  // removed now, not when the rest has been drained
      unread_body_ = true;
    } else if (ec == beast::error::timeout || ec == asio::error::eof || ec == bhttp::error::partial_message ||
               (ec && !parse_error(ec))) {
      return close();  // too slow or gone: nobody to answer (close() removes the file)
    } else if (ec) {
      in_.body_state = Incoming::BodyState::Unreadable;
      in_.upload->file.reset();
      unread_body_ = true;
    } else {
      std::error_code size_error;
      in_.upload->bytes = std::filesystem::file_size(in_.upload->file->path(), size_error);
    }
    dispatch();
  }

  void on_body(error_code ec) {
    if (ec == bhttp::error::body_limit) {
      in_.body_state = Incoming::BodyState::TooLarge;
      unread_body_ = true;
    } else if (ec == beast::error::timeout || ec == asio::error::eof || ec == bhttp::error::partial_message ||
               (ec && !parse_error(ec))) {
      return close();  // too slow or gone: nobody to answer
    } else if (ec) {
      in_.body_state = Incoming::BodyState::Unreadable;
      unread_body_ = true;
    } else {
      in_.body = std::move(parser_->get().body());
    }
    dispatch();
  }

  void dispatch() {
    state_ = State::Handling;
    beast::get_lowest_layer(stream_).expires_never();
    ++served_;
    keep_alive_ = file_parser_ ? file_parser_->keep_alive() : parser_->keep_alive();
    auto& pool = system_route(in_.target) ? shared_.system : shared_.workers;
    asio::post(pool, [self = self()] {
      Reply reply = self->shared_.dispatcher.handle(self->in_);
      self->in_.upload.reset();  // its slot and any file not stored go with the request, not the connection
      // A body from a source: its first piece is read here, on this worker, so a small file costs one hop.
      std::string first;
      if (reply.source && self->in_.method != "HEAD" && reply.source->length > 0) {
        auto piece = reply.source->read(0, static_cast<size_t>(std::min<uint64_t>(kPiece, reply.source->length)));
        if (!piece || piece->empty()) {
          reply = Reply::error(internal_error("the stored artifact could not be read"));
          reply.close = true;
        } else {
          first = std::move(*piece);
        }
      }
      asio::post(self->stream_.get_executor(), [self, reply = std::move(reply), first = std::move(first)]() mutable {
        self->answer(std::move(reply), std::move(first));
      });
    });
  }

  ApiError uri_too_long() const {
    return ApiError{414, "uri_too_long",
                    "the request target is longer than the limit of " + std::to_string(options().max_url_bytes) +
                        " bytes (max_url_bytes)",
                    Json{{"limit_bytes", options().max_url_bytes}}};
  }
  ApiError headers_too_large() const {
    return ApiError{431, "headers_too_large",
                    "the request's header fields are larger than the limit of " +
                        std::to_string(options().max_header_bytes) + " bytes (max_header_bytes)",
                    Json{{"limit_bytes", options().max_header_bytes}}};
  }

  // An answer to a request that could not be read: the rest of it is unread, so the connection closes.
  void refuse(const ApiError& error, const std::string& method) {
    in_.method = method;  // not the previous request's (a HEAD answer has no body)
    unread_body_ = true;
    keep_alive_ = false;
    state_ = State::Handling;
    answer(shared_.dispatcher.reject(error, method, peer_));
  }

  void answer(Reply reply, std::string first = {}) {
    if (state_ == State::Closed) {
      return;
    }
    const bool head = in_.method == "HEAD";
    if (head) {
      reply.feed.reset();  // a stream's headers need no stream
    }
    if (reply.feed) {
      return start_stream(std::move(reply));
    }
    state_ = State::Writing;
    keep_alive_ = keep_alive_ && !reply.close && !unread_body_ && !shared_.stopping &&
                  served_ < options().max_requests_per_connection;
    if (head && !reply.source && reply.status != 204 && reply.status != 304) {
      // The headers GET would have, Content-Length included, and no body.
      reply.source = std::make_shared<BodySource>();
      reply.source->length = reply.payload().size();
    }
    if (reply.source) {
      return start_source(std::move(reply), std::move(first));
    }
    response_.emplace();
    auto& res = *response_;
    res.version(11);
    res.result(static_cast<unsigned>(reply.status));
    res.set(bhttp::field::server, "linkhub");
    for (const auto& [name, value] : reply.headers) {
      res.insert(name, value);
    }
    if (reply.status != 204 && reply.status != 304) {
      res.set(bhttp::field::content_type, reply.content_type);
      res.body() = reply.payload();
    }
    res.keep_alive(keep_alive_);
    res.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(options().body_timeout);
    bhttp::async_write(stream_, res, [self = self()](error_code ec, size_t) {
      self->response_.reset();
      if (ec) {
        return self->close();
      }
      if (!self->keep_alive_) {
        return self->linger();
      }
      self->wait_for_request(self->options().idle_timeout);
    });
  }

  // ---- A body from a source (artifacts): written piece by piece, the next read on a worker once the
  // previous piece is out, so a connection holds at most one piece and never a thread.

  void start_source(Reply reply, std::string first) {
    source_ = std::move(reply.source);
    head_only_ = in_.method == "HEAD";
    const auto status = static_cast<unsigned>(reply.status);
    std::string head = "HTTP/1.1 " + std::to_string(status) + " " +
                       std::string(bhttp::obsolete_reason(bhttp::int_to_status(status))) +
                       "\r\nServer: linkhub\r\nContent-Type: " + reply.content_type +
                       "\r\nContent-Length: " + std::to_string(source_->length) +
                       (keep_alive_ ? "\r\nConnection: keep-alive\r\n" : "\r\nConnection: close\r\n");
    for (const auto& [name, value] : reply.headers) {
      head += name + ": " + value + "\r\n";
    }
    head += "\r\n";
    sent_ = head_only_ ? source_->length : first.size();
    piece_ = std::move(head) + first;
    write_piece();
  }

  void write_piece() {
    beast::get_lowest_layer(stream_).expires_after(options().body_timeout);
    asio::async_write(stream_, asio::buffer(piece_), [self = self()](error_code ec, size_t) {
      if (ec) {
        return self->close();
      }
      if (self->sent_ < self->source_->length) {
        return self->read_piece();
      }
      self->source_.reset();
      self->piece_ = std::string();
      if (!self->keep_alive_) {
        return self->linger();
      }
      self->wait_for_request(self->options().idle_timeout);
    });
  }

  void read_piece() {
    beast::get_lowest_layer(stream_).expires_never();
    asio::post(shared_.workers, [self = self(), source = source_, offset = sent_] {
      auto piece = source->read(offset, static_cast<size_t>(std::min<uint64_t>(kPiece, source->length - offset)));
      asio::post(self->stream_.get_executor(), [self, piece = std::move(piece)]() mutable {
        if (self->state_ == State::Closed) {
          return;
        }
        if (!piece || piece->empty()) {
          return self->close();  // the stored file went or shrank: the promised length cannot be sent
        }
        self->sent_ += piece->size();
        self->piece_ = std::move(*piece);
        self->write_piece();
      });
    });
  }

  // Half-closes and reads what the client still sends, up to a bound, so it
  // sees the answer rather than a reset caused by its unread bytes.
  void linger() {
    auto& lowest = beast::get_lowest_layer(stream_);
    error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (!unread_body_) {
      return close();
    }
    lowest.expires_after(kLingerTime);
    lowest.async_read_some(asio::buffer(drain_), [self = self()](error_code ec, size_t n) {
      self->lingered_ += n;
      if (ec || self->lingered_ > kLingerBytes) {
        return self->close();
      }
      self->unread_body_ = true;
      self->linger();
    });
  }

  void close() {
    if (state_ == State::Closed) {
      return;
    }
    const bool handling = state_ == State::Handling;  // a worker has the request (and drops its upload)
    state_ = State::Closed;
    end_stream_resources();
    if (!handling) {
      in_.upload.reset();  // a body half received is removed
    }
    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.cancel();
    error_code ignored;
    lowest.socket().shutdown(tcp::socket::shutdown_both, ignored);
    lowest.socket().close(ignored);
    timer_.cancel();
  }

  // ---- Event streams: written from the run watch's notifications and a timer, without a thread.

  void start_stream(Reply reply) {
    state_ = State::Streaming;
    feed_ = std::move(reply.feed);
    opened_ = Clock::now();
    std::string head = "HTTP/1.1 " + std::to_string(reply.status) +
                       " OK\r\nServer: linkhub\r\nContent-Type: " + feed_->content_type +
                       "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n";
    for (const auto& list : {reply.headers, feed_->headers}) {
      for (const auto& [name, value] : list) {
        head += name + ": " + value + "\r\n";
      }
    }
    head += "\r\n";
    enqueue(head + chunk(feed_->first()));
    std::weak_ptr<Session> weak = self();
    const auto executor = stream_.get_executor();
    listener_ = shared_.services.watch.listen(feed_->watch_run, [weak, executor](bool closed) {
      asio::post(executor, [weak, closed] {
        if (auto self = weak.lock()) {
          closed ? self->stream_closing() : self->poll();
        }
      });
    });
    // Nothing is expected from the client: a read that completes means it hung up (or misbehaves).
    beast::get_lowest_layer(stream_).expires_never();
    stream_.async_read_some(asio::buffer(drain_), [self = self()](error_code, size_t) { self->close(); });
    poll();
    tick();
  }

  void tick() {
    const auto now = Clock::now();
    const auto next =
        std::min({now + feed_->poll_every, last_write_ + feed_->heartbeat_every, opened_ + feed_->max_duration});
    timer_.expires_at(std::max(next, now + std::chrono::milliseconds(1)));
    timer_.async_wait([self = self()](error_code ec) {
      if (ec || self->state_ != State::Streaming || self->finishing_) {
        return;
      }
      const auto now = Clock::now();
      if (now >= self->opened_ + self->feed_->max_duration) {
        return self->finish(self->feed_->expired());
      }
      if (now >= self->last_write_ + self->feed_->heartbeat_every) {
        self->enqueue(chunk(self->feed_->heartbeat()));
      }
      self->poll();
      self->tick();
    });
  }

  void poll() {
    if (state_ != State::Streaming || finishing_) {
      return;
    }
    if (polling_) {
      repoll_ = true;  // a change seen while reading: read again after
      return;
    }
    polling_ = true;
    repoll_ = false;
    asio::post(shared_.workers, [self = self(), feed = feed_] {
      Feed::Next next;
      bool failed = false;
      try {
        next = feed->poll();
      } catch (const std::exception&) {
        failed = true;
      }
      asio::post(self->stream_.get_executor(), [self, next = std::move(next), failed] {
        self->polling_ = false;
        if (self->state_ != State::Streaming || self->finishing_) {
          return;
        }
        if (failed) {
          return self->finish("");
        }
        if (next.done) {
          return self->finish(next.text);
        }
        if (!next.text.empty()) {
          self->enqueue(chunk(next.text));
        }
        if (Clock::now() >= self->opened_ + self->feed_->max_duration) {
          return self->finish(self->feed_->expired());
        }
        if (self->repoll_) {
          self->poll();
        }
      });
    });
  }

  void stream_closing() {
    if (state_ == State::Streaming && !finishing_) {
      finish(feed_->closing());
    }
  }

  // The last words, then the chunked body's end, then the connection closes.
  void finish(const std::string& text) {
    finishing_ = true;
    timer_.cancel();
    enqueue((text.empty() ? "" : chunk(text)) + "0\r\n\r\n");
  }

  void enqueue(std::string bytes) {
    outbox_.push_back(std::move(bytes));
    last_write_ = Clock::now();
    if (!writing_) {
      write_next();
    }
  }

  void write_next() {
    if (outbox_.empty()) {
      writing_ = false;
      if (finishing_) {
        close();
      }
      return;
    }
    writing_ = true;
    // A client that stops reading must not hold the stream forever.
    beast::get_lowest_layer(stream_).expires_after(options().body_timeout);
    asio::async_write(stream_, asio::buffer(outbox_.front()), [self = self()](error_code ec, size_t) {
      beast::get_lowest_layer(self->stream_).expires_never();
      if (ec) {
        return self->close();
      }
      self->outbox_.pop_front();
      self->write_next();
    });
  }

  // The stream's slot and watch go the moment it ends, not when the last callback lets go of the session.
  void end_stream_resources() {
    if (listener_) {
      shared_.services.watch.unlisten(listener_);
      listener_ = 0;
    }
    if (feed_) {
      feed_->slot.reset();
    }
  }

  Stream stream_;
  asio::steady_timer timer_;
  bool tls_ = false;
  std::string peer_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::request_parser<bhttp::file_body>> file_parser_;  // a body_to_file route's
  std::optional<bhttp::response<bhttp::string_body>> response_;
  Incoming in_;
  State state_ = State::Idle;
  int served_ = 0;
  bool keep_alive_ = true;
  bool unread_body_ = false;
  size_t lingered_ = 0;
  char drain_[4096];

  std::shared_ptr<BodySource> source_;
  std::string piece_;  // the bytes being written (a source's head and pieces)
  uint64_t sent_ = 0;  // of the source's body, read so far
  bool head_only_ = false;

  std::shared_ptr<Feed> feed_;
  uint64_t listener_ = 0;
  Clock::time_point opened_;
  Clock::time_point last_write_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  bool finishing_ = false;
  bool polling_ = false;
  bool repoll_ = false;
};

std::shared_ptr<asio::ssl::context> tls_context(const HttpServerOptions& options) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1 |
                   asio::ssl::context::single_dh_use);
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  // TLS 1.2: forward-secret AEAD suites only (no RC4, 3DES, CBC or export); TLS 1.3's defaults are all AEAD.
  SSL_CTX_set_cipher_list(ctx->native_handle(),
                          "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                          "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
  error_code ec;
  ctx->use_certificate_chain_file(options.tls_cert.string(), ec);
  if (ec) {
    throw std::runtime_error("tls_cert: cannot load the certificate chain " + options.tls_cert.string() + ": " +
                             ec.message());
  }
  ctx->use_private_key_file(options.tls_key.string(), asio::ssl::context::pem, ec);
  if (ec) {
    throw std::runtime_error("tls_key: cannot load the private key " + options.tls_key.string() + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
    throw std::runtime_error("tls_key: the key " + options.tls_key.string() + " does not match the certificate " +
                             options.tls_cert.string());
  }
  return ctx;
}

}  // namespace

struct HttpServer::Impl {
  HttpServerOptions options;
  asio::thread_pool workers;
  asio::thread_pool system{2};
  Shared shared;
  asio::io_context ioc;
  tcp::acceptor plain{ioc};
  tcp::acceptor secure{ioc};
  std::shared_ptr<asio::ssl::context> tls;
  std::vector<std::thread> threads;
  bool started = false;
  bool stopped = false;

  Impl(Services& services, HttpServerOptions o)
      : options(std::move(o)),
        workers(static_cast<size_t>(std::max(2, options.workers))),
        shared{services, options, Dispatcher(services), {}, workers, system} {}

  void bind(tcp::acceptor& acceptor, const std::string& host, uint16_t port) {
    error_code ec;
    const auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (ec) {
      throw std::runtime_error("'" + host + "' is not an IP address");
    }
    const tcp::endpoint endpoint(address, port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint, ec);
    if (ec) {
      throw std::runtime_error(ec.message());
    }
    acceptor.listen(1024);
  }

  void accept(tcp::acceptor& acceptor, bool secure_listener) {
    acceptor.async_accept(asio::make_strand(ioc), [this, &acceptor, secure_listener](error_code ec, tcp::socket s) {
      if (ec == asio::error::operation_aborted || shared.stopping) {
        return;
      }
      if (ec) {
        // Out of file descriptors, say: wait a little instead of spinning on the error.
        auto timer = std::make_shared<asio::steady_timer>(ioc, std::chrono::milliseconds(50));
        timer->async_wait([this, timer, &acceptor, secure_listener](error_code) { accept(acceptor, secure_listener); });
        return;
      }
      if (shared.open() >= options.max_connections) {
        refuse(std::move(s), secure_listener);
      } else if (secure_listener) {
        auto session = std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
            shared, beast::ssl_stream<beast::tcp_stream>(beast::tcp_stream(std::move(s)), *tls), true);
        session->enroll();
        session->start();
      } else {
        auto session = std::make_shared<Session<beast::tcp_stream>>(shared, beast::tcp_stream(std::move(s)), false);
        session->enroll();
        session->start();
      }
      accept(acceptor, secure_listener);
    });
  }

  // Past max_connections: a short answer written without waiting, then the socket closes.
  void refuse(tcp::socket socket, bool secure_listener) {
    error_code ignored;
    if (!secure_listener) {
      const Reply reply =
          shared.dispatcher.reject(ApiError{503, "too_many_connections",
                                            "the server has the most connections open at once (max_connections " +
                                                std::to_string(options.max_connections) + "); retry later",
                                            Json{{"limit", options.max_connections}}},
                                   "", peer_address(socket));
      std::string text = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: application/json\r\n";
      for (const auto& [name, value] : reply.headers) {
        text += name + ": " + value + "\r\n";
      }
      const std::string body = reply.payload();
      text += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      socket.non_blocking(true, ignored);
      socket.write_some(asio::buffer(text), ignored);
    }
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }
};

HttpServer::HttpServer(Services& services, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(services, std::move(options))) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start() {
  Impl& s = *impl_;
  auto proxies = TrustedProxies::parse(s.options.trusted_proxies);
  if (!proxies) {
    throw std::runtime_error(proxies.error().message);
  }
  s.shared.proxies = std::move(*proxies);
  if (s.options.tls) {
    s.tls = tls_context(s.options);
  }
  s.bind(s.plain, s.options.host, s.options.port);
  if (s.options.tls) {
    s.bind(s.secure, s.options.tls_host, s.options.tls_port);
  }
  s.accept(s.plain, false);
  if (s.options.tls) {
    s.accept(s.secure, true);
  }
  s.started = true;
  for (int i = 0; i < std::max(1, s.options.io_threads); ++i) {
    s.threads.emplace_back([&s] { s.ioc.run(); });
  }
}

uint16_t HttpServer::port() const {
  error_code ec;
  return impl_->plain.is_open() ? impl_->plain.local_endpoint(ec).port() : 0;
}

uint16_t HttpServer::tls_port() const {
  error_code ec;
  return impl_->secure.is_open() ? impl_->secure.local_endpoint(ec).port() : 0;
}

void HttpServer::stop() {
  Impl& s = *impl_;
  if (!s.started || s.stopped) {
    return;
  }
  s.stopped = true;
  s.shared.stopping = true;
  asio::post(s.ioc, [&s] {
    error_code ignored;
    s.plain.close(ignored);
    s.secure.close(ignored);
  });
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    std::lock_guard lock(s.shared.mutex);
    for (auto& [id, weak] : s.shared.sessions) {
      if (auto session = weak.lock()) {
        open.push_back(std::move(session));
      }
    }
  }
  for (auto& session : open) {
    session->shutdown();
  }
  open.clear();
  // Answers in progress finish (their connections then close); what is still open after the grace
  // (a client that reads an answer slowly) is closed.
  const auto all_gone = [&s] { return s.shared.sessions.empty(); };
  std::unique_lock lock(s.shared.mutex);
  if (!s.shared.gone.wait_for(lock, std::chrono::seconds(5), all_gone)) {
    for (auto& [id, weak] : s.shared.sessions) {
      if (auto session = weak.lock()) {
        open.push_back(std::move(session));
      }
    }
    lock.unlock();
    for (auto& session : open) {
      session->force_close();
    }
    open.clear();
    lock.lock();
    s.shared.gone.wait_for(lock, std::chrono::seconds(5), all_gone);
  }
  lock.unlock();
  s.workers.join();
  s.system.join();
  s.ioc.stop();
  for (auto& t : s.threads) {
    t.join();
  }
}

}  // namespace linkhub::http
