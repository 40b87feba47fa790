#include "endpoint.hpp"

#include "ykm/gis/error.hpp"

#include <boost/asio/strand.hpp>

namespace ykm::dispatch {

namespace net = boost::asio;
using tcp = net::ip::tcp;

tcp::endpoint parse_endpoint(const std::string& text, const char* what) {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 == text.size()) {
        throw Error(std::string(what) + " '" + text + "': expected ADDRESS:PORT");
    }
    std::string host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (host.empty() || host == "*") {
        host = "0.0.0.0";
    } else if (host == "localhost") {
        host = "127.0.0.1";
    }
    const std::string port_text = text.substr(colon + 1);
    unsigned port = 0;
    for (char c : port_text) {
        if (c < '0' || c > '9' || port > 65535) {
            throw Error(std::string(what) + " '" + text + "': port '" + port_text +
                        "' is not a number 0-65535");
        }
        port = port * 10 + static_cast<unsigned>(c - '0');
    }
    if (port > 65535) {
        throw Error(std::string(what) + " '" + text + "': port '" + port_text +
                    "' is not a number 0-65535");
    }
    boost::system::error_code ec;
    const auto address = net::ip::make_address(host, ec);
    if (ec) {
        throw Error(std::string(what) + " '" + text + "': '" + host + "' is not an IP address");
    }
    return {address, static_cast<std::uint16_t>(port)};
}

std::string endpoint_text(const tcp::endpoint& e) {
    const std::string a = e.address().to_string();
    return (e.address().is_v6() ? "[" + a + "]" : a) + ":" + std::to_string(e.port());
}

void listen_on(std::optional<tcp::acceptor>& acceptor, net::io_context& ioc,
               const tcp::endpoint& at, const std::string& text) {
    boost::system::error_code ec;
    acceptor.emplace(net::make_strand(ioc));
    acceptor->open(at.protocol(), ec);
    if (!ec) {
        acceptor->set_option(net::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor->bind(at, ec);
    }
    if (!ec) {
        acceptor->listen(net::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        acceptor.reset();
        throw Error("cannot listen on " + text + ": " + ec.message());
    }
}

void start_io_threads(net::io_context& ioc, int count, std::vector<std::thread>& threads,
                      const std::function<void(const std::string&)>& note) {
    for (int i = 0; i < count; ++i) {
        threads.emplace_back([&ioc, note] {
            while (true) {
                try {
                    ioc.run();
                    return;
                } catch (const std::exception& e) {
                    // Handlers catch their own errors; this is a last resort that keeps the
                    // thread serving.
                    note(std::string("io thread: ") + e.what());
                }
            }
        });
    }
}

} // namespace ykm::dispatch
