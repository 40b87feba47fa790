#pragma once

// A blocking HTTP/1.1 client for tests against the project's servers on loopback: one request
// per connection, or an event stream read until a text arrives or a deadline passes.

#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace ykm::test {

struct HttpAnswer {
    unsigned status = 0;
    std::multimap<std::string, std::string> headers; ///< names in lower case
    std::string body;

    [[nodiscard]] std::string header(const std::string& name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

inline HttpAnswer http_call(std::uint16_t port, const std::string& method,
                            const std::string& target, const std::string& body = {},
                            const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    namespace beast = boost::beast;
    namespace http = beast::http;
    boost::asio::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    for (const auto& [name, value] : headers) {
        req.set(name, value);
    }
    req.body() = body;
    req.prepare_payload();
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    http::read(stream, buffer, parser);
    const auto& res = parser.get();
    HttpAnswer answer;
    answer.status = res.result_int();
    for (const auto& field : res) {
        std::string name(field.name_string());
        for (char& c : name) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        answer.headers.emplace(name, std::string(field.value()));
    }
    answer.body = res.body();
    beast::error_code ignored;
    stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    return answer;
}

/// An open event stream (GET with the given headers); read() collects what arrives.
class EventStream {
public:
    EventStream(std::uint16_t port, const std::string& target,
                const std::vector<std::pair<std::string, std::string>>& headers)
        : m_socket(m_ioc) {
        m_socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
        std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          "\r\nAccept: text/event-stream\r\n";
        for (const auto& [name, value] : headers) {
            req += name + ": " + value + "\r\n";
        }
        req += "\r\n";
        boost::asio::write(m_socket, boost::asio::buffer(req));
    }

    /// Reads until `text` has arrived or `timeout` passes; true when it has.
    bool wait_for(const std::string& text, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (m_received.find(text) == std::string::npos) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                return false;
            }
            pollfd p{m_socket.native_handle(), POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
                return false;
            }
            char chunk[4096];
            const auto n = ::recv(m_socket.native_handle(), chunk, sizeof chunk, 0);
            if (n <= 0) {
                return m_received.find(text) != std::string::npos;
            }
            m_received.append(chunk, static_cast<std::size_t>(n));
        }
        return true;
    }

    [[nodiscard]] const std::string& received() const { return m_received; }

private:
    boost::asio::io_context m_ioc;
    boost::asio::ip::tcp::socket m_socket;
    std::string m_received;
};

} // namespace ykm::test
