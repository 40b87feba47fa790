#pragma once

// Listen addresses of the servers ("127.0.0.1:5055", "[::1]:0", "*:8080").

// Before Asio: Boost 1.74's awaitable.hpp uses std::exchange without including it.
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ykm::dispatch {

/// Parses ADDRESS:PORT ("*" or nothing: every IPv4 address; "localhost": 127.0.0.1); throws
/// ykm::Error starting with `what` and the text.
boost::asio::ip::tcp::endpoint parse_endpoint(const std::string& text, const char* what);
/// "127.0.0.1:5055", "[::1]:8080".
std::string endpoint_text(const boost::asio::ip::tcp::endpoint& e);

/// Makes `acceptor` (on a strand of `ioc`) listen at `at`; throws ykm::Error "cannot listen on
/// TEXT: reason" and leaves it empty when it cannot.
void listen_on(std::optional<boost::asio::ip::tcp::acceptor>& acceptor,
               boost::asio::io_context& ioc, const boost::asio::ip::tcp::endpoint& at,
               const std::string& text);

/// Starts `count` threads running `ioc` until it is stopped. An exception a handler lets out is
/// reported to `note` and the thread goes on serving.
void start_io_threads(boost::asio::io_context& ioc, int count, std::vector<std::thread>& threads,
                      const std::function<void(const std::string&)>& note);

} // namespace ykm::dispatch
