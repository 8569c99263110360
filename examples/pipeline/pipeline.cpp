// A pipeline of processes joined by bounded channels (tycho/channel.hpp):
//
//   produce --numbers--> square --squares--> describe --lines--> main (prints)
//
// Each stage is a process that gets its channel ends as its spawn argument (an end is a
// plain value). Channels hold at most 2 items, so a fast stage waits for a slow one instead
// of piling up items. When a stage's input is closed and drained, it closes its output, so
// the end of the numbers flows down the pipeline and ends every stage in turn.
//
// One process per stage and one channel between each two keep the items in order, so the
// output is the same on every run.
//
//   sdk/bin/tycho-c++ examples/pipeline/pipeline.cpp -o pipeline.wasm
//   tycho run pipeline.wasm [COUNT]       # the numbers 1..COUNT, 10 by default
#include <tycho/channel.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

// What travels between square and describe: a struct of plain values goes as its bytes.
struct Square {
    int n;
    long long square;
};

// The stages' spawn arguments. Channel ends are plain values, so these structs are too.
struct ProduceArgs {
    int count;
    tycho::Sender<int> out;
};
struct SquareArgs {
    tycho::Receiver<int> in;
    tycho::Sender<Square> out;
};
struct DescribeArgs {
    tycho::Receiver<Square> in;
    tycho::Sender<std::string> out;
};

void produce(ProduceArgs args) {
    for (int n = 1; n <= args.count; ++n)
        if (args.out.send(n) != tycho::Status::ok) break; // closed by a receiver: stop
    args.out.close(); // what is queued still reaches square; then it sees the end
}

void square(SquareArgs args) {
    // receive() fails (with Status::closed) once the channel is closed and empty.
    while (auto n = args.in.receive())
        args.out.send(Square{*n, static_cast<long long>(*n) * *n});
    args.out.close();
}

void describe(DescribeArgs args) {
    while (auto s = args.in.receive()) {
        char line[64];
        std::snprintf(line, sizeof line, "%d squared is %lld", s->n, s->square);
        args.out.send(std::string(line)); // std::string has a codec built in
    }
    args.out.close();
}

int main(int argc, char** argv) {
    int count = argc > 1 ? std::atoi(argv[1]) : 10;
    if (count < 0) {
        std::fprintf(stderr, "usage: %s [COUNT]  (COUNT >= 0)\n", argv[0]);
        return 2;
    }
    constexpr uint32_t capacity = 2;
    auto [numbers_out, numbers_in] = tycho::channel<int>(capacity).value();
    auto [squares_out, squares_in] = tycho::channel<Square>(capacity).value();
    auto [lines_out, lines_in] = tycho::channel<std::string>(capacity).value();

    tycho::spawn<produce>(ProduceArgs{count, numbers_out}).value();
    tycho::spawn<square>(SquareArgs{numbers_in, squares_out}).value();
    tycho::spawn<describe>(DescribeArgs{squares_in, lines_out}).value();

    int lines = 0;
    for (;;) {
        auto line = lines_in.receive(10000);
        if (line.status() == tycho::Status::closed) break; // the pipeline has ended
        if (!line) {
            std::fprintf(stderr, "pipeline: %s\n", tycho::to_string(line.status()));
            return 1;
        }
        std::printf("%s\n", line->c_str());
        ++lines;
    }
    std::printf("%d lines; the pipeline is closed\n", lines);
    return 0;
}
