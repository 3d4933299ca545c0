package dev.plt.model.cuda;

/**
 * How {@link CudaPath#appendAndChoose} picks each sequence's next token on the device: greedy (the
 * lowest id on a tie), or temperature sampling driven by one uniform number per sequence that the
 * caller draws (so its random stream, and the draw, do not depend on the batch).
 */
public record TokenChoice(float[] temperatures, float[] uniforms) {
    private static final TokenChoice GREEDY = new TokenChoice(null, null);

    public static TokenChoice greedy() {
        return GREEDY;
    }

    /** @param temperatures per sequence, > 0; @param uniforms per sequence, in [0, 1) */
    public static TokenChoice sample(float[] temperatures, float[] uniforms) {
        if (temperatures.length != uniforms.length) {
            throw new IllegalArgumentException("one temperature and one uniform per sequence");
        }
        for (int i = 0; i < temperatures.length; i++) {
            if (!(temperatures[i] > 0) || !(uniforms[i] >= 0 && uniforms[i] < 1)) {
                throw new IllegalArgumentException("sequence " + i + ": temperature must be > 0 and the uniform in"
                        + " [0, 1), got " + temperatures[i] + " and " + uniforms[i]);
            }
        }
        return new TokenChoice(temperatures.clone(), uniforms.clone());
    }

    public boolean isGreedy() {
        return temperatures == null;
    }
}
