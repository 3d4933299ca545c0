package dev.plt.model.inference;

/** A request the model cannot run (empty input, token id out of range, ...); fails only that request. */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }
}
